import type { CollectionKey, VideoKey } from "../../model/keys.js";
import { uuidV4FromBytes } from "../../model/keys.js";
import type { IdGenerator } from "../../ports/id-generator.js";

/** splitmix32: spreads a counter over 32 bits so consecutive keys look unrelated. */
const mix = (value: number): number => {
  let z = (value + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
};

const writeUint32 = (bytes: Uint8Array, offset: number, value: number): void => {
  bytes[offset] = (value >>> 24) & 0xff;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
};

/**
 * Deterministic identifiers: the same seed gives the same sequence, so a test can predict or
 * snapshot keys. The seed and the counter sit whole in bytes the UUID version and variant bits
 * do not touch, so keys never repeat within a generator or between generators of different
 * seeds. Test hook: `issued` counts identifiers handed out.
 */
export class InMemoryIdGenerator implements IdGenerator {
  private counter = 0;

  constructor(private readonly seed = 1) {}

  get issued(): number {
    return this.counter;
  }

  videoKey(): VideoKey {
    return this.nextUuid() as VideoKey;
  }

  collectionKey(): CollectionKey {
    return this.nextUuid() as CollectionKey;
  }

  opaqueId(): string {
    this.counter += 1;
    return `id-${this.seed}-${this.counter}`;
  }

  private nextUuid(): string {
    this.counter += 1;
    const bytes = new Uint8Array(16);
    writeUint32(bytes, 0, this.seed >>> 0);
    writeUint32(bytes, 4, mix(this.seed ^ this.counter));
    writeUint32(bytes, 8, mix(this.counter));
    writeUint32(bytes, 12, this.counter);
    return uuidV4FromBytes(bytes);
  }
}
