import type { components } from "./schema.js";

/** The API's payloads, by the names the OpenAPI document gives them. */
type Schemas = components["schemas"];

export type Me = Schemas["Me"];
export type VideoStatus = Schemas["VideoStatus"];
export type Video = Schemas["Video"];
export type SimpleVideo = Schemas["SimpleVideo"];
export type Collection = Schemas["Collection"];
export type CollectionListItem = Schemas["CollectionListItem"];
export type Playback = Schemas["Playback"];
export type PlaybackGrant = NonNullable<Playback["grant"]>;
export type VideoProcessingStatus = Schemas["VideoProcessingStatus"];
export type ApiToken = Schemas["ApiToken"];
export type IssuedApiToken = Schemas["IssuedApiToken"];
export type EdxEndpoint = Schemas["EdxEndpoint"];
export type FieldErrors = Schemas["FieldErrors"];
export type EdxPost = Schemas["EdxPost"];
export type StreamSource = Schemas["StreamSource"];
