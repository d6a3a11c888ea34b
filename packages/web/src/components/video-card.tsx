import { memo, useState } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import type { SimpleVideo, VideoProcessingStatus, VideoStatus } from "../api/schema-types.js";
import { Link } from "../routing/navigation.js";
import { formatDuration } from "../status/duration-text.js";
import { statusDisplay } from "../status/video-status-text.js";

/**
 * One video of a collection: thumbnail, duration, title, status in words (live while in
 * progress), the transcoder's own message for a failure, and a retry for admins when the upload
 * failed. A retry the API took makes the video `Created` again (`onRetried`), so its status is
 * followed until the new attempt ends.
 */
export const VideoCard = memo(function VideoCard({
  video,
  live,
  isAdmin,
  onRetried,
}: {
  readonly video: SimpleVideo;
  readonly live: VideoProcessingStatus | undefined;
  readonly isAdmin: boolean;
  readonly onRetried: (key: string, status: VideoStatus) => void;
}) {
  // "idle", "busy", or the refusal to show.
  const [retrying, setRetrying] = useState<string>("idle");
  const status = live?.status ?? video.status;
  const display = statusDisplay(status);
  const jobError = live?.encode_jobs[0]?.error_message ?? null;
  const thumbnail = video.videothumbnail_set[0]?.cloudfront_url ?? "";
  const duration = formatDuration(video.duration);
  const retry = async () => {
    setRetrying("busy");
    try {
      await unwrap(api.POST("/api/v0/videos/{key}/retry_upload/", { params: { path: { key: video.key } } }));
      setRetrying("idle");
      onRetried(video.key, "Created");
    } catch (error) {
      setRetrying(messageOf(error, "The retry was refused."));
    }
  };
  return (
    <li className="video-card" data-video-key={video.key}>
      <div className="thumbnail-frame">
        <div className="thumbnail" aria-hidden="true">
          {thumbnail === "" ? (
            <span className="no-thumbnail">No picture yet</span>
          ) : (
            <img src={thumbnail} alt="" loading="lazy" />
          )}
        </div>
        {duration === "" ? null : (
          <span className="duration">
            <span className="visually-hidden">Duration </span>
            {duration}
          </span>
        )}
      </div>
      <h3>
        <Link to={`/videos/${video.key}/`}>{video.title}</Link>
      </h3>
      <p className={`status status-${display.tone}`} data-status={status} aria-live="polite">
        {display.label}
      </p>
      {display.explanation === "" || display.tone === "ok" ? null : (
        <p className="hint">{display.explanation}</p>
      )}
      {jobError === null || display.tone !== "failed" ? null : (
        <p className="hint">Transcoder said: {jobError}</p>
      )}
      {isAdmin && display.retryable ? (
        <button type="button" onClick={() => void retry()} disabled={retrying === "busy"}>
          Retry upload
        </button>
      ) : null}
      {retrying !== "idle" && retrying !== "busy" ? (
        <p className="alert" role="alert">
          {retrying}
        </p>
      ) : null}
    </li>
  );
});
