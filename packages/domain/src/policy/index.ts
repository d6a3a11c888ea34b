export * from "./access.js";
export * from "./edx-payload.js";
export * from "./video-status.js";
export * from "./lecture-capture-names.js";
export * from "./subtitles.js";
export * from "./notifications.js";
export * from "./projections/index.js";
