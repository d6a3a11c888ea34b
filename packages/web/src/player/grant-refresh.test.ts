import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Playback } from "../api/schema-types.js";
import { MINIMUM_REFRESH_DELAY_MS, cdnOriginOf, refreshDelayMs, withGrant } from "./cdn-grant.js";
import { GrantRefresh, RETRY_AFTER_FAILURE_MS } from "./grant-refresh.js";

const CDN = "http://127.0.0.1:9001";
const grant = (expiresAt: string) => ({
  queryParameters: { Policy: "p+o/l=", Signature: "s~ig", "Key-Pair-Id": "K1" },
  expiresAt,
});
const playback = (expiresAt: string | null): Playback =>
  ({ key: "a".repeat(32), grant: expiresAt === null ? null : grant(expiresAt) }) as unknown as Playback;

describe("withGrant", () => {
  it("appends every grant parameter to a URL on the CDN host, keeping its own query", () => {
    const signed = new URL(
      withGrant(`${CDN}/restricted/x/video.m3u8?v=2`, grant("2030-01-01T00:00:00Z"), CDN),
    );
    expect(signed.origin).toBe(CDN);
    expect(signed.pathname).toBe("/restricted/x/video.m3u8");
    expect(Object.fromEntries(signed.searchParams)).toEqual({
      v: "2",
      Policy: "p+o/l=",
      Signature: "s~ig",
      "Key-Pair-Id": "K1",
    });
  });

  it("leaves URLs on other hosts, and every URL of a public video, as they are", () => {
    expect(withGrant("http://127.0.0.1:8000/api/v0/me/", grant("2030-01-01T00:00:00Z"), CDN)).toBe(
      "http://127.0.0.1:8000/api/v0/me/",
    );
    expect(withGrant("blob:http://x/1", grant("2030-01-01T00:00:00Z"), CDN)).toBe("blob:http://x/1");
    expect(withGrant(`${CDN}/a.ts`, null, CDN)).toBe(`${CDN}/a.ts`);
  });

  it("resolves a relative segment URL against the CDN before deciding", () => {
    expect(withGrant("segment1.ts", grant("2030-01-01T00:00:00Z"), CDN)).toContain(
      `${CDN}/segment1.ts?Policy=`,
    );
  });

  it("finds the CDN origin from the playback's media URLs", () => {
    expect(cdnOriginOf([`${CDN}/a/video.m3u8`])).toBe(CDN);
    expect(cdnOriginOf([])).toBeNull();
  });
});

describe("refreshDelayMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("refreshes a minute before a long grant expires", () => {
    expect(refreshDelayMs("2026-01-01T01:00:00Z", now)).toBe(59 * 60_000);
  });
  it("refreshes at four fifths of a short grant's life", () => {
    expect(refreshDelayMs("2026-01-01T00:01:00Z", now)).toBe(48_000);
  });
  it("never sooner than the floor, even for an expired or unreadable grant", () => {
    expect(refreshDelayMs("2025-12-31T00:00:00Z", now)).toBe(MINIMUM_REFRESH_DELAY_MS);
    expect(refreshDelayMs("not a date", now)).toBe(MINIMUM_REFRESH_DELAY_MS);
  });
});

describe("GrantRefresh", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse("2026-01-01T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("fetches a fresh grant before each one expires, and stops when told", async () => {
    const answers = [
      playback("2026-01-01T01:00:00Z"),
      playback("2026-01-01T02:00:00Z"),
      playback("2026-01-01T03:00:00Z"),
    ];
    const fetchPlayback = vi.fn(async () => answers.shift() ?? playback(null));
    const seen: Array<string | undefined> = [];
    const refresh = new GrantRefresh(
      fetchPlayback,
      (answer) => seen.push(answer.grant?.expiresAt),
      () => undefined,
    );

    await refresh.start();
    expect(fetchPlayback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(59 * 60_000 - 1);
    expect(fetchPlayback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchPlayback).toHaveBeenCalledTimes(2);
    // The second grant (until 02:00) is asked to be renewed at 01:59, an hour after 00:59.
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(fetchPlayback).toHaveBeenCalledTimes(3);
    expect(seen).toEqual(["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"]);

    refresh.stop();
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(fetchPlayback).toHaveBeenCalledTimes(3);
  });

  it("fetches a public video (no grant) once", async () => {
    const fetchPlayback = vi.fn(async () => playback(null));
    await new GrantRefresh(
      fetchPlayback,
      () => undefined,
      () => undefined,
    ).start();
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(fetchPlayback).toHaveBeenCalledTimes(1);
  });

  it("tries again soon after a failed refresh, keeping the last answer", async () => {
    const fetchPlayback = vi
      .fn<() => Promise<Playback>>()
      .mockResolvedValueOnce(playback("2026-01-01T00:10:00Z"))
      .mockRejectedValueOnce(new Error("offline"))
      .mockResolvedValueOnce(playback("2026-01-01T00:20:00Z"));
    const onPlayback = vi.fn();
    const onError = vi.fn();
    const refresh = new GrantRefresh(fetchPlayback, onPlayback, onError);
    await refresh.start();
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onPlayback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(RETRY_AFTER_FAILURE_MS);
    expect(onPlayback).toHaveBeenCalledTimes(2);
    refresh.stop();
  });
  it("fetches at once when the CDN refused a request, one fetch for simultaneous refusals, then keeps its schedule", async () => {
    const fetchPlayback = vi
      .fn<() => Promise<Playback>>()
      .mockResolvedValueOnce(playback("2026-01-01T06:00:00Z"))
      .mockResolvedValueOnce(playback("2026-01-01T07:00:00Z"))
      .mockResolvedValue(playback("2026-01-01T08:00:00Z"));
    const seen: Array<string | undefined> = [];
    const refresh = new GrantRefresh(
      fetchPlayback,
      (answer) => seen.push(answer.grant?.expiresAt),
      () => undefined,
    );
    await refresh.start();

    // The laptop slept through the expiry: the next segment is refused, twice at once.
    await Promise.all([refresh.refreshNow(), refresh.refreshNow()]);

    expect(fetchPlayback).toHaveBeenCalledTimes(2);
    expect(seen).toEqual(["2026-01-01T06:00:00Z", "2026-01-01T07:00:00Z"]);
    // The new grant is renewed a minute before it ends, and the old schedule is gone.
    await vi.advanceTimersByTimeAsync(7 * 60 * 60_000 - 60_000 - 1);
    expect(fetchPlayback).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchPlayback).toHaveBeenCalledTimes(3);
    refresh.stop();
  });
});
