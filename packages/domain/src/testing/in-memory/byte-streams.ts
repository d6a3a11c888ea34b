import type { ByteStream } from "../../ports/object-store.js";

/**
 * Byte helpers shared by the in-memory adapters and the contract suites. They use only what
 * every JavaScript runtime has, because the domain cannot import `node:buffer` or `node:crypto`.
 */

/** Chunk size the in-memory adapters stream bodies in; matches Node's default stream buffer. */
export const STREAM_CHUNK_SIZE = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytesOfText = (text: string): Uint8Array => encoder.encode(text);

export const textOfBytes = (bytes: Uint8Array): string => decoder.decode(bytes);

export const concatBytes = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
};

export const bytesEqual = (left: Uint8Array, right: Uint8Array): boolean => {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) {
    if (left[index] !== right[index]) return false;
  }
  return true;
};

/**
 * Deterministic bytes that do not repeat with any short period (xorshift32), so a body whose
 * chunks were reordered, dropped or duplicated never compares equal to the original.
 */
export const patternedBytes = (length: number, seed = 1): Uint8Array => {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 0x9e3779b9;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = state & 0xff;
  }
  return bytes;
};

/**
 * Streams `bytes` in chunks of `chunkSize` (or of the sizes listed, cycling), each chunk a copy,
 * so a consumer that keeps chunks cannot see later writes to the source array.
 */
export const streamOfBytes = (
  bytes: Uint8Array,
  chunkSize: number | ReadonlyArray<number> = STREAM_CHUNK_SIZE,
): ByteStream => {
  const sizes = typeof chunkSize === "number" ? [chunkSize] : chunkSize;
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new RangeError("chunk sizes must be positive integers");
  }
  return {
    async *[Symbol.asyncIterator]() {
      let offset = 0;
      let turn = 0;
      while (offset < bytes.length) {
        const size = sizes[turn % sizes.length] ?? STREAM_CHUNK_SIZE;
        yield bytes.slice(offset, offset + size);
        offset += size;
        turn += 1;
      }
    },
  };
};

/** Yields the first `afterBytes` bytes of `bytes`, then throws `failure` (a transfer cut half-way). */
export const streamFailingAfter = (
  bytes: Uint8Array,
  afterBytes: number,
  failure: () => unknown,
  chunkSize = STREAM_CHUNK_SIZE,
): ByteStream => ({
  async *[Symbol.asyncIterator]() {
    const limit = Math.min(afterBytes, bytes.length);
    for (let offset = 0; offset < limit; offset += chunkSize) {
      yield bytes.slice(offset, Math.min(offset + chunkSize, limit));
    }
    throw failure();
  },
});

/** Reads a whole stream into one array (tests only: real code streams). */
export const collectBytes = async (stream: ByteStream): Promise<Uint8Array> => {
  const chunks: Array<Uint8Array> = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concatBytes(chunks);
};

/** Reads a whole stream and also reports the size of each chunk, to check that it streamed. */
export const collectChunks = async (
  stream: ByteStream,
): Promise<{ readonly bytes: Uint8Array; readonly chunkSizes: ReadonlyArray<number> }> => {
  const chunks: Array<Uint8Array> = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { bytes: concatBytes(chunks), chunkSizes: chunks.map((chunk) => chunk.length) };
};

const FNV_PRIME_LOW = 0x1b3;

/**
 * 64-bit FNV-1a as 16 hex characters, computed on two 32-bit halves: the prime is
 * 2^40 + 0x1b3, so multiplying is `h * 0x1b3 + (h << 40)` modulo 2^64, and every partial
 * product stays below 2^53 where doubles are exact.
 */
export const fnv1a64Hex = (bytes: Uint8Array): string => {
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  for (let index = 0; index < bytes.length; index += 1) {
    low = (low ^ (bytes[index] ?? 0)) >>> 0;
    const lowProduct = low * FNV_PRIME_LOW;
    const carry = Math.floor(lowProduct / 0x1_0000_0000);
    high = (Math.imul(high, FNV_PRIME_LOW) + carry + (low << 8)) >>> 0;
    low = lowProduct >>> 0;
  }
  return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
};
