import { createRequire } from "node:module";

/**
 * The ffmpeg the `local` profile runs: `OVS_FFMPEG_PATH` when set, else the static build that
 * `@ffmpeg-installer/ffmpeg` ships for this platform. The installer throws (a string) when it
 * has no build for the platform; that becomes an Error naming the setting to use instead.
 */
export const resolveFfmpegPath = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): string => {
  const configured = env["OVS_FFMPEG_PATH"];
  if (configured !== undefined && configured.trim().length > 0) return configured;
  try {
    const installer = createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as { readonly path: string };
    return installer.path;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`no bundled ffmpeg for this platform (${reason}); set OVS_FFMPEG_PATH`, { cause: error });
  }
};
