import { describe, expect, it } from "vitest";
import { newVideoIsPublic, propagatedVideoVisibility } from "./new-video-visibility.js";

describe("a new video's visibility", () => {
  it.each([
    [{ isPublic: true, includeInLearn: false }, true],
    [{ isPublic: true, includeInLearn: true }, false],
    [{ isPublic: false, includeInLearn: false }, false],
    [{ isPublic: false, includeInLearn: true }, false],
  ])("in a collection %o starts public: %s", (collection, expected) => {
    expect(newVideoIsPublic(collection)).toBe(expected);
  });
});

describe("an operator changing a collection's is_public", () => {
  it("publishes every video when the collection is published", () => {
    expect(propagatedVideoVisibility({ isPublic: false }, { isPublic: true, includeInLearn: false })).toEqual(
      {
        isPublic: true,
        isPrivate: false,
      },
    );
  });

  it("makes every video private when the collection is unpublished, fed to MIT Learn or not", () => {
    for (const includeInLearn of [false, true]) {
      expect(propagatedVideoVisibility({ isPublic: true }, { isPublic: false, includeInLearn })).toEqual({
        isPublic: false,
        isPrivate: true,
      });
    }
  });

  it("leaves the videos of a collection fed to MIT Learn alone when it is published", () => {
    expect(
      propagatedVideoVisibility({ isPublic: false }, { isPublic: true, includeInLearn: true }),
    ).toBeUndefined();
  });

  it("changes nothing when is_public did not change", () => {
    for (const isPublic of [false, true]) {
      expect(propagatedVideoVisibility({ isPublic }, { isPublic, includeInLearn: false })).toBeUndefined();
    }
  });
});
