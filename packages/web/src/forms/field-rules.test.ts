import { describe, expect, it } from "vitest";
import { ApiError } from "../api/api-error.js";
import {
  apiFieldErrors,
  collectionFormErrors,
  parseGroupList,
  parseVideoLinks,
  subtitleFormErrors,
  tokenFormErrors,
  videoFormErrors,
} from "./field-rules.js";

describe("the forms' rules", () => {
  it("read group lists typed with commas or lines, without blanks or repeats", () => {
    expect(parseGroupList(" staff, lecturers\nstaff\n\n , tas ")).toEqual(["staff", "lecturers", "tas"]);
    expect(parseGroupList("")).toEqual([]);
  });

  it("want a collection title and group names without a path", () => {
    expect(collectionFormErrors({ title: "  ", viewLists: "", adminLists: "", edxCourseId: "" })).toEqual({
      title: "Enter a title.",
    });
    expect(
      collectionFormErrors({
        title: "Physics",
        viewLists: "/org/physics",
        adminLists: "",
        edxCourseId: "a b",
      }),
    ).toEqual({
      view_lists: "“/org/physics”: a group is named by its last part, without “/”.",
      edx_course_id: "An edX course id has no spaces, e.g. course-v1:MITx+6.00x+2T2026.",
    });
    expect(
      collectionFormErrors({
        title: "Physics",
        viewLists: "a",
        adminLists: "b",
        edxCourseId: "course-v1:X+Y+Z",
      }),
    ).toEqual({});
    expect(
      collectionFormErrors({ title: "x".repeat(251), viewLists: "", adminLists: "", edxCourseId: "" }),
    ).toHaveProperty("title");
  });

  it("want a video's call-to-action to be a web address", () => {
    expect(videoFormErrors({ title: "Lecture", ctaLink: "javascript:alert(1)", viewLists: "" })).toEqual({
      cta_link: "Enter a full web address starting with https://.",
    });
    expect(videoFormErrors({ title: "Lecture", ctaLink: "", viewLists: "" })).toEqual({});
    expect(videoFormErrors({ title: "Lecture", ctaLink: "https://example.edu/x", viewLists: "" })).toEqual(
      {},
    );
  });

  it("want subtitles with a two-letter language and a .vtt or .srt file", () => {
    expect(subtitleFormErrors({ language: "english", fileName: "a.txt" })).toEqual({
      language: "Enter a two-letter language code, e.g. en or fr.",
      file: "Choose a WebVTT (.vtt) or SubRip (.srt) file.",
    });
    expect(subtitleFormErrors({ language: "en", fileName: null })).toEqual({
      file: "Choose a subtitle file.",
    });
    expect(subtitleFormErrors({ language: "fr", fileName: "cours.SRT" })).toEqual({});
  });

  it("want a token name and a whole number of days within the API's limit", () => {
    expect(tokenFormErrors({ name: "", days: "0" })).toEqual({
      name: "Name the token after what will use it.",
      expires_in_days: "Enter a whole number of days from 1 to 365.",
    });
    expect(tokenFormErrors({ name: "export", days: "1.5" })).toHaveProperty("expires_in_days");
    expect(tokenFormErrors({ name: "export", days: "90" })).toEqual({});
  });

  it("read upload links one per line, named after their file", () => {
    expect(parseVideoLinks("https://example.edu/v/lecture%201.mp4\n\nhttps://example.edu/b.mov")).toEqual({
      links: [
        { name: "lecture 1.mp4", link: "https://example.edu/v/lecture%201.mp4" },
        { name: "b.mov", link: "https://example.edu/b.mov" },
      ],
    });
    expect(parseVideoLinks("ftp://x/y").error).toBe("“ftp://x/y” is not a web address (https://…).");
  });

  it("take the API's first message per field, and nothing from a refusal without field errors", () => {
    const refused = new ApiError(400, { title: ["Too long.", "Other."], other: ["Ignored."] });
    expect(apiFieldErrors(refused, ["title", "view_lists"])).toEqual({ title: "Too long." });
    expect(apiFieldErrors(new ApiError(500, { detail: "Boom." }), ["title"])).toEqual({});
    expect(apiFieldErrors(new Error("offline"), ["title"])).toEqual({});
  });
});
