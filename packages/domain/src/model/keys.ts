import type { Brand } from "effect";
import { Data, Either, Schema } from "effect";

/**
 * Public identifiers of collections and videos: UUIDv4 values stored in their canonical
 * dashed lowercase form. Pages and the API show the 32-character hex form (`hexKey`);
 * lookups accept either form. The brands keep a video key from being passed where a
 * collection key is expected.
 */
export type VideoKey = string & Brand.Brand<"VideoKey">;
export type CollectionKey = string & Brand.Brand<"CollectionKey">;

/** 32 lowercase hex characters, no dashes: the form used in URLs, S3 keys and JSON. */
export type HexKey = string & Brand.Brand<"HexKey">;

export class InvalidKey extends Data.TaggedError("InvalidKey")<{
  readonly kind: "video" | "collection";
  readonly input: string;
}> {
  override get message(): string {
    return `'${this.input}' is not a valid ${this.kind} key (expected a UUID, dashed or 32 hex characters)`;
  }
}

const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = /^[0-9a-f]{32}$/;

/** Canonical dashed lowercase form of a UUID given dashed or as 32 hex characters, any case. */
export const canonicalUuid = (input: string): string | undefined => {
  const lowered = input.trim().toLowerCase();
  if (DASHED.test(lowered)) return lowered;
  if (HEX.test(lowered)) {
    return `${lowered.slice(0, 8)}-${lowered.slice(8, 12)}-${lowered.slice(12, 16)}-${lowered.slice(16, 20)}-${lowered.slice(20)}`;
  }
  return undefined;
};

export const parseVideoKey = (input: string): Either.Either<VideoKey, InvalidKey> => {
  const canonical = canonicalUuid(input);
  return canonical === undefined
    ? Either.left(new InvalidKey({ kind: "video", input }))
    : Either.right(canonical as VideoKey);
};

export const parseCollectionKey = (input: string): Either.Either<CollectionKey, InvalidKey> => {
  const canonical = canonicalUuid(input);
  return canonical === undefined
    ? Either.left(new InvalidKey({ kind: "collection", input }))
    : Either.right(canonical as CollectionKey);
};

export const hexKey = (key: VideoKey | CollectionKey): HexKey => key.replaceAll("-", "") as HexKey;

/** The dashed form, which edX receives as `edx_video_id`. */
export const dashedKey = (key: VideoKey | CollectionKey): string => key;

const uuidString = Schema.String.pipe(
  Schema.filter((value) => canonicalUuid(value) !== undefined, {
    message: () => "expected a UUID, dashed or 32 hex characters",
  }),
);

/** Decodes either form into the canonical dashed key; encodes to the hex form. */
export const VideoKeySchema = Schema.transform(uuidString, Schema.String.pipe(Schema.brand("VideoKey")), {
  strict: true,
  decode: (value) => canonicalUuid(value) as string,
  encode: (value) => value.replaceAll("-", ""),
});

export const CollectionKeySchema = Schema.transform(
  uuidString,
  Schema.String.pipe(Schema.brand("CollectionKey")),
  {
    strict: true,
    decode: (value) => canonicalUuid(value) as string,
    encode: (value) => value.replaceAll("-", ""),
  },
);

/** Turns 16 random bytes into a UUIDv4 (sets the version and variant bits). */
export const uuidV4FromBytes = (bytes: Uint8Array): string => {
  if (bytes.length !== 16) throw new RangeError("a UUID needs exactly 16 random bytes");
  const b = Uint8Array.from(bytes);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return canonicalUuid(hex) as string;
};
