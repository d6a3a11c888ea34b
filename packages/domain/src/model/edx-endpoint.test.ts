import { describe, expect, it } from "vitest";
import { edxTokenUrl, edxVideoUrl, edxVideosUrl, endpointForCourse } from "./edx-endpoint.js";

describe("edxval URLs (upstream multi_urljoin and full_api_url)", () => {
  it.each([
    ["https://x.edu", "/api/val/v0/videos/", "https://x.edu/api/val/v0/videos/"],
    ["https://x.edu/lms/", "/api/val/v0/videos/", "https://x.edu/lms/api/val/v0/videos/"],
    ["https://x.edu/lms", "/api/val/v0/videos/", "https://x.edu/api/val/v0/videos/"],
    ["http://mit.edu/", "/a/b", "http://mit.edu/a/b/"],
    ["https://x.edu", "", "https://x.edu/api/val/v0/videos/"],
  ])("%s + %j → %s", (baseUrl, edxVideoApiPath, expected) => {
    expect(edxVideosUrl({ baseUrl, edxVideoApiPath })).toBe(expected);
  });

  it("patches one video at the list URL plus the dashed key, without a trailing slash", () => {
    expect(
      edxVideoUrl(
        { baseUrl: "https://x.edu", edxVideoApiPath: "/api/val/v0/videos/" },
        "3f2a9c1e-8b7d-4e6f-9a01-23456789abcd",
      ),
    ).toBe("https://x.edu/api/val/v0/videos/3f2a9c1e-8b7d-4e6f-9a01-23456789abcd");
  });

  it("asks for tokens at the host root, whatever the base path", () => {
    expect(edxTokenUrl({ baseUrl: "https://x.edu/lms/" })).toBe("https://x.edu/oauth2/access_token/");
  });
});

describe("automatic endpoint for a course id (upstream CollectionViewSet.update)", () => {
  const endpoints = [
    { name: "other", baseUrl: "https://courses.example.edu" },
    { name: "learn", baseUrl: "https://courses.Learn.mit.edu" },
    { name: "xpro", baseUrl: "https://courses.xpro.mit.edu" },
  ];
  it("sends xPRO courses to an .xpro. host", () => {
    expect(endpointForCourse("course-v1:xPRO+SysEngx1+R1", endpoints)?.name).toBe("xpro");
  });
  it("sends other courses to a .learn. host, case-insensitively", () => {
    expect(endpointForCourse("course-v1:MITxT+7.00x+3T2024", endpoints)?.name).toBe("learn");
  });
  it("finds nothing when no host fits", () => {
    expect(endpointForCourse("course-v1:xPRO+A+B", endpoints.slice(0, 2))).toBeUndefined();
  });
});
