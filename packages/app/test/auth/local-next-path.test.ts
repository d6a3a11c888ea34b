import { describe, expect, it } from "vitest";
import { localNextPath } from "../../src/auth/index.js";

describe("localNextPath", () => {
  it.each(["/", "/collections/", "/videos/abc/?tab=1#top", "/a//b", "/vidéo", "/a b", "/%2F%2Felsewhere"])(
    "keeps the local path %j",
    (next) => {
      expect(localNextPath(next)).toBe(next);
    },
  );

  it.each([
    undefined,
    null,
    ["/a", "/b"],
    "",
    "collections/",
    "https://elsewhere.example/",
    "HTTPS://elsewhere.example/",
    "//elsewhere.example/",
    "///elsewhere.example/",
    "/\\elsewhere.example/",
    "\\\\elsewhere.example",
    "/\\/elsewhere.example",
    "javascript:alert(1)",
    " /collections/",
    "/\t/elsewhere.example",
    "/\n/elsewhere.example",
    "/\r\n/elsewhere.example",
    "/\u0000",
    "/\u007f",
    "data:text/html,<script>alert(1)</script>",
    `/${"a".repeat(3000)}`,
  ])("replaces %j with /", (next) => {
    expect(localNextPath(next)).toBe("/");
  });
});
