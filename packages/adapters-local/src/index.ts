export {};
export type {
  FfmpegExited,
  FfmpegSpawned,
  FfmpegStage,
  FfmpegTranscoderHooks,
  FfmpegTranscoderOptions,
} from "./ffmpeg-transcoder.js";
export { FfmpegTranscoder } from "./ffmpeg-transcoder.js";
export { resolveFfmpegPath } from "./ffmpeg-path.js";
export type { FilesystemObjectStoreOptions } from "./filesystem-object-store.js";
export { FilesystemObjectStore } from "./filesystem-object-store.js";
export { STORE_FOLDER as FILESYSTEM_STORE_FOLDER } from "./storage/storage-names.js";
