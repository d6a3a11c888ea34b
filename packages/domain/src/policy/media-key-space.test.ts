import { describe, expect, it } from "vitest";
import type { KeySpace } from "../model/storage-keys.js";
import { mediaKeySpaceOf } from "./media-key-space.js";

const COURSE = "course-v1:MITx+8.01+2026";

describe("the key space of a video's media", () => {
  it.each<[string, boolean, string | null, KeySpace]>([
    ["a public video", true, null, "public"],
    ["a protected video", false, null, "restricted"],
    ["a protected video of a collection linked to an edX course", false, COURSE, "public"],
    ["a public video of a collection linked to an edX course", true, COURSE, "public"],
    ["a protected video of a collection with a blank course id", false, "  ", "restricted"],
  ])("%s is served from the %s space", (_case, isPublic, edxCourseId, space) => {
    expect(mediaKeySpaceOf({ isPublic }, { edxCourseId })).toBe(space);
  });
});
