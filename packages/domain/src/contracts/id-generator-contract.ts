import { describe, expect, it } from "vitest";
import type { IdGenerator } from "../ports/id-generator.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface IdGeneratorContractSubject extends Disposable {
  readonly ids: IdGenerator;
}

/** Canonical dashed lowercase UUID, version 4, RFC 4122 variant. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CALLS = 1_000;

/**
 * What every IdGenerator must do (random, deterministic):
 * `describeIdGeneratorContract("random", async () => ({ ids: new RandomIdGenerator() }))`.
 */
export const describeIdGeneratorContract = (
  name: string,
  make: () => Promise<IdGeneratorContractSubject>,
): void => {
  describe(`IdGenerator contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);

    it("makes video and collection keys that are canonical version 4 UUIDs", () =>
      withSubject(async ({ ids }) => {
        for (let index = 0; index < 50; index += 1) {
          expect(ids.videoKey()).toMatch(UUID_V4);
          expect(ids.collectionKey()).toMatch(UUID_V4);
        }
      }));

    it(`never repeats a key in ${CALLS} calls of each kind, nor across kinds`, () =>
      withSubject(async ({ ids }) => {
        const videoKeys = Array.from({ length: CALLS }, () => ids.videoKey());
        const collectionKeys = Array.from({ length: CALLS }, () => ids.collectionKey());
        expect(new Set(videoKeys).size).toBe(CALLS);
        expect(new Set(collectionKeys).size).toBe(CALLS);
        expect(new Set([...videoKeys, ...collectionKeys]).size).toBe(2 * CALLS);
      }));

    it(`makes ${CALLS} distinct, non-empty opaque ids`, () =>
      withSubject(async ({ ids }) => {
        const opaque = Array.from({ length: CALLS }, () => ids.opaqueId());
        expect(opaque.every((id) => id.length > 0)).toBe(true);
        expect(new Set(opaque).size).toBe(CALLS);
      }));
  });
};
