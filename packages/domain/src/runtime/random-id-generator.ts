import type { CollectionKey, VideoKey } from "../model/keys.js";
import { uuidV4FromBytes } from "../model/keys.js";
import type { IdGenerator } from "../ports/id-generator.js";

const randomUuid = (): string => uuidV4FromBytes(globalThis.crypto.getRandomValues(new Uint8Array(16)));

/**
 * Random UUIDv4 identifiers from the Web Crypto generator every supported runtime has (the
 * domain cannot import `node:crypto`). Suitable for production as well as tests.
 */
export class RandomIdGenerator implements IdGenerator {
  videoKey(): VideoKey {
    return randomUuid() as VideoKey;
  }

  collectionKey(): CollectionKey {
    return randomUuid() as CollectionKey;
  }

  opaqueId(): string {
    return randomUuid();
  }
}
