export * from "./domain-ports.js";
export * from "./errors.js";
export * from "./validate-input.js";
export * from "./video-lifecycle/record-video-event.js";
export * from "./settings.js";
export * from "./playback/media-access.js";
