import type { CollectionKey, VideoKey } from "../model/keys.js";

/** New identifiers: UUIDv4 keys for collections and videos, opaque ids for everything else. */
export interface IdGenerator {
  videoKey(): VideoKey;
  collectionKey(): CollectionKey;
  /** An opaque unique string (lease owners, outbox entries). */
  opaqueId(): string;
}
export const IdGenerator = Symbol.for("ovs/IdGenerator");
