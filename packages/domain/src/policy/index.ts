export * from "./access.js";
export * from "./edx-payload.js";
export * from "./video-status.js";
