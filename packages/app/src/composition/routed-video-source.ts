import type { VideoSource } from "@ovs/domain";
import { isDropboxSharedLink } from "@ovs/adapters-http";

/**
 * The one VideoSource the use cases see: Dropbox shared links go through Dropbox's API (an app
 * token, never the link itself), every other URL through the guarded URL source.
 */
export class RoutedVideoSource implements VideoSource {
  constructor(
    private readonly dropbox: VideoSource & { close?(): Promise<void> },
    private readonly urls: VideoSource & { close?(): Promise<void> },
  ) {}

  readonly open: VideoSource["open"] = (url) =>
    isDropboxSharedLink(url) ? this.dropbox.open(url) : this.urls.open(url);

  async close(): Promise<void> {
    await Promise.all([this.dropbox.close?.(), this.urls.close?.()]);
  }
}
