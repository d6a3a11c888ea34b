export * from "./api-timestamp.js";
export * from "./collection-payload.js";
export * from "./pagination-envelope.js";
export * from "./public-video-feed-item.js";
export * from "./stored-object-payloads.js";
export * from "./video-payload.js";
