import { Either, Schema } from "effect";
import { describe, expect, it } from "vitest";
import {
  CollectionKeySchema,
  InvalidKey,
  VideoKeySchema,
  hexKey,
  parseCollectionKey,
  parseVideoKey,
  uuidV4FromBytes,
} from "./keys.js";

const DASHED = "3f2a9c1e-8b7d-4e6f-9a01-23456789abcd";
const HEX = "3f2a9c1e8b7d4e6f9a0123456789abcd";

describe("video and collection keys", () => {
  it.each([
    ["dashed", DASHED],
    ["hex", HEX],
    ["upper-case hex", HEX.toUpperCase()],
    ["dashed with surrounding spaces", `  ${DASHED} `],
  ])("parses the %s form to the canonical dashed key", (_form, input) => {
    expect(parseVideoKey(input)).toEqual(Either.right(DASHED));
  });

  it.each([
    "",
    "not-a-key",
    `${HEX}0`,
    HEX.slice(1),
    "3f2a9c1e-8b7d-4e6f-9a01-23456789abcg",
    "3f2a9c1e8b7d-4e6f-9a01-23456789abcd",
  ])("refuses %j with a typed error naming the input", (input) => {
    const result = parseCollectionKey(input);
    expect(Either.isLeft(result)).toBe(true);
    if (Either.isLeft(result)) {
      expect(result.left).toBeInstanceOf(InvalidKey);
      expect(result.left.kind).toBe("collection");
      expect(result.left.message).toContain("collection key");
    }
  });

  it("shows keys as 32 lowercase hex characters", () => {
    const key = Either.getOrThrow(parseVideoKey(DASHED));
    expect(hexKey(key)).toBe(HEX);
  });

  it("decodes either form through the schema and encodes to hex", () => {
    expect(Schema.decodeUnknownSync(VideoKeySchema)(HEX)).toBe(DASHED);
    expect(
      Schema.encodeSync(CollectionKeySchema)(Schema.decodeUnknownSync(CollectionKeySchema)(DASHED)),
    ).toBe(HEX);
    expect(() => Schema.decodeUnknownSync(VideoKeySchema)("nope")).toThrow(/UUID/);
  });

  it("makes version-4 UUIDs from random bytes", () => {
    const key = uuidV4FromBytes(new Uint8Array(16).fill(0xff));
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => uuidV4FromBytes(new Uint8Array(15))).toThrow(RangeError);
  });
});
