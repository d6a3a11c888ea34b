import { describe, expect, it } from "vitest";
import { pageRouteOf, shareUrl, signInUrl, startSecondsOf } from "./page-route.js";

const KEY = "0123456789abcdef0123456789abcdef";

describe("page routes", () => {
  it("keep upstream's page URLs", () => {
    expect(pageRouteOf("/collections/")).toEqual({ page: "collections" });
    expect(pageRouteOf(`/collections/${KEY}/`)).toEqual({ page: "collection", key: KEY });
    expect(pageRouteOf(`/collections/${KEY}`)).toEqual({ page: "collection", key: KEY });
    expect(pageRouteOf(`/videos/${KEY}/`)).toEqual({ page: "video", key: KEY });
    expect(pageRouteOf(`/videos/${KEY}/embed/`)).toEqual({ page: "embed", key: KEY });
    expect(pageRouteOf("/help/anything")).toEqual({ page: "help" });
    expect(pageRouteOf("/terms/")).toEqual({ page: "terms" });
    expect(pageRouteOf(`/videos/${KEY.toUpperCase()}/`)).toEqual({ page: "not-found" });
    expect(pageRouteOf("/helpdesk/")).toEqual({ page: "not-found" });
  });

  it("share a video at a time, and read the time back in several spellings", () => {
    expect(shareUrl("https://ovs.example.edu", KEY, 35.7)).toBe(
      `https://ovs.example.edu/videos/${KEY}/?start=35`,
    );
    expect(shareUrl("https://ovs.example.edu", KEY, 0)).toBe(`https://ovs.example.edu/videos/${KEY}/`);
    expect(startSecondsOf("?start=35")).toBe(35);
    expect(startSecondsOf("?start=1:02")).toBe(62);
    expect(startSecondsOf("?start=1:00:05")).toBe(3605);
    expect(startSecondsOf("?start=1m2s")).toBe(62);
    expect(startSecondsOf("?start=soon")).toBe(0);
    expect(startSecondsOf("")).toBe(0);
  });

  it("sign in and come back to the page", () => {
    expect(signInUrl(`/videos/${KEY}/?start=3`)).toBe(`/login/?next=%2Fvideos%2F${KEY}%2F%3Fstart%3D3`);
  });
});
