import type { Clock, EdxEndpoint, EdxVideoPayload } from "@ovs/domain";
import { redactedSecret } from "@ovs/domain";
import { anEdxEndpoint, anEdxVideoPayload, failureOf } from "@ovs/domain/testing";
import { describeEdxVideoApiContract } from "@ovs/domain/contracts";
import { Duration, Effect, Redacted } from "effect";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  EdxvalVideoApi,
  makeEdxvalVideoApiSettings,
  type EdxvalVideoApiSettingsInput,
} from "../src/edx-video-api.js";
import { EDX_CLIENT_ID, EDX_CLIENT_SECRET, FakeEdxval } from "./support/fake-edxval.js";

const credentials = { clientId: redactedSecret(EDX_CLIENT_ID), secretKey: redactedSecret(EDX_CLIENT_SECRET) };

/** Fast retries so the tests do not wait on real backoff. */
const quickInput = {
  retryBaseDelay: Duration.millis(5),
  retryMaxDelay: Duration.millis(20),
  requestTimeout: Duration.seconds(2),
} satisfies EdxvalVideoApiSettingsInput;
const quick = makeEdxvalVideoApiSettings(quickInput);
const quickWith = (input: EdxvalVideoApiSettingsInput) =>
  makeEdxvalVideoApiSettings({ ...quickInput, ...input });
const wallClock: Clock = { now: () => new Date() };

describeEdxVideoApiContract("edxval against a local edX", async () => {
  const edx = await FakeEdxval.start();
  return {
    api: new EdxvalVideoApi(quick, wallClock),
    endpoint: anEdxEndpoint(edx.origin, credentials),
    encodingsOf: async (id) => edx.videos.get(id)?.encoded_videos,
    dispose: () => edx.close(),
  };
});

describe("EdxvalVideoApi", () => {
  let edx: FakeEdxval;
  let endpoint: EdxEndpoint;

  beforeAll(async () => {
    edx = await FakeEdxval.start();
    endpoint = anEdxEndpoint(edx.origin, credentials);
  });

  afterAll(async () => {
    await edx.close();
  });

  const post = (api: EdxvalVideoApi, payload: EdxVideoPayload = anEdxVideoPayload(), target = endpoint) =>
    Effect.runPromise(api.postVideo(target, payload));

  it("asks for a JWT with client credentials in the form, exactly as upstream", async () => {
    const before = edx.requestsOf("token").length;
    await post(new EdxvalVideoApi(quick, wallClock));
    const [token] = edx.requestsOf("token").slice(before);
    expect(token?.method).toBe("POST");
    expect(token?.path).toBe("/oauth2/access_token/");
    expect(token?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(token?.headers["authorization"]).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: "client_credentials",
      client_id: EDX_CLIENT_ID,
      client_secret: EDX_CLIENT_SECRET,
      token_type: "JWT",
    });
  });

  it("POSTs the create body field by field to the videos URL with Authorization: JWT", async () => {
    const payload = anEdxVideoPayload();
    const before = edx.requestsOf("POST").length;
    expect(await post(new EdxvalVideoApi(quick, wallClock), payload)).toEqual({
      _tag: "Created",
      status: 201,
    });
    const [request] = edx.requestsOf("POST").slice(before);
    expect(request?.path).toBe("/api/val/v0/videos/");
    expect(request?.headers["authorization"]).toMatch(/^JWT eyJ\.fake-jwt-\d+$/);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      edx_video_id: payload.edx_video_id,
      client_video_id: "Lecture 1: Introduction",
      duration: 61.5,
      status: "file_complete",
      encoded_videos: [
        { url: payload.encoded_videos[0]?.url, file_size: 0, bitrate: 0, profile: "hls" },
        { url: payload.encoded_videos[1]?.url, file_size: 0, bitrate: 0, profile: "desktop_mp4" },
      ],
      courses: [{ "course-v1:MITx+1.00x+2026_Spring": null }],
    });
    expect(payload.edx_video_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("PATCHes an existing video (edxval's 400) with both encodings and no courses", async () => {
    const api = new EdxvalVideoApi(quick, wallClock);
    const payload = anEdxVideoPayload();
    await post(api, payload);
    const beforePatch = edx.requestsOf("PATCH").length;
    const renamed = { ...payload, client_video_id: "Lecture 1, renamed", duration: 62 };
    expect(await post(api, renamed)).toEqual({ _tag: "Updated", status: 200 });
    const [patch] = edx.requestsOf("PATCH").slice(beforePatch);
    expect(patch?.path).toBe(`/api/val/v0/videos/${payload.edx_video_id}`);
    expect(patch?.headers["authorization"]).toMatch(/^JWT /);
    expect(JSON.parse(patch?.body ?? "")).toEqual({
      edx_video_id: payload.edx_video_id,
      client_video_id: "Lecture 1, renamed",
      duration: 62,
      status: "file_complete",
      encoded_videos: [
        { url: payload.encoded_videos[0]?.url, file_size: 0, bitrate: 0, profile: "hls" },
        { url: payload.encoded_videos[1]?.url, file_size: 0, bitrate: 0, profile: "desktop_mp4" },
      ],
    });
    expect(edx.videos.get(payload.edx_video_id)?.encoded_videos.map((encoding) => encoding.profile)).toEqual([
      "hls",
      "desktop_mp4",
    ]);
  });

  it("builds URLs as upstream: the API path relative to a base URL with a path, the token path absolute", async () => {
    const lms = await FakeEdxval.start("/lms/api/val/v0/videos/");
    try {
      const withPath = anEdxEndpoint(`${lms.origin}/lms/`, credentials);
      expect(await post(new EdxvalVideoApi(quick, wallClock), anEdxVideoPayload(), withPath)).toMatchObject({
        _tag: "Created",
      });
      expect(lms.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        "POST /oauth2/access_token/",
        "POST /lms/api/val/v0/videos/",
      ]);
    } finally {
      await lms.close();
    }
  });

  it("reports a 400 for a new video (a bad body, not a duplicate) as rejected with edX's answer", async () => {
    const payload = anEdxVideoPayload(undefined, {
      encoded_videos: [
        { url: "https://cdn.ovs.test/a.m3u8", file_size: 0, bitrate: 0, profile: "hls" },
        { url: "https://cdn.ovs.test/b.m3u8", file_size: 0, bitrate: 0, profile: "hls" },
      ],
    });
    const result = await post(new EdxvalVideoApi(quick, wallClock), payload);
    expect(result).toEqual({
      _tag: "Rejected",
      status: 400,
      body: JSON.stringify({ non_field_errors: ["Invalid data: duplicate profiles"] }),
    });
  });

  it("does not treat 409 as 'already exists', and does not retry 403 or 409", async () => {
    for (const status of [409, 403]) {
      const posts = edx.requestsOf("POST").length;
      const patches = edx.requestsOf("PATCH").length;
      edx.script("POST", { status, body: JSON.stringify({ detail: `scripted ${status}` }) });
      expect(await post(new EdxvalVideoApi(quick, wallClock))).toEqual({
        _tag: "Rejected",
        status,
        body: JSON.stringify({ detail: `scripted ${status}` }),
      });
      expect(edx.requestsOf("POST").length).toBe(posts + 1);
      expect(edx.requestsOf("PATCH").length).toBe(patches);
    }
  });

  it("keeps HTML error pages out of the result, as upstream's summary does", async () => {
    edx.script("POST", {
      status: 403,
      body: "<html><body>Forbidden</body></html>",
      contentType: "text/html; charset=utf-8",
    });
    expect(await post(new EdxvalVideoApi(quick, wallClock))).toEqual({
      _tag: "Rejected",
      status: 403,
      body: "(HTML body ignored)",
    });
  });

  it("retries a 503 with backoff and then succeeds", async () => {
    const posts = edx.requestsOf("POST").length;
    edx.script("POST", { status: 503, body: "{}" }, { status: 502, body: "{}" });
    expect(await post(new EdxvalVideoApi(quick, wallClock))).toMatchObject({ _tag: "Created" });
    expect(edx.requestsOf("POST").length).toBe(posts + 3);
  });

  it("gives up after the configured attempts with a transient failure", async () => {
    const posts = edx.requestsOf("POST").length;
    edx.script("POST", ...Array.from({ length: 4 }, () => ({ status: 503, body: "{}" })));
    const failure = await failureOf(
      new EdxvalVideoApi(quickWith({ maxAttempts: 4 }), wallClock).postVideo(endpoint, anEdxVideoPayload()),
    );
    expect(failure).toMatchObject({
      _tag: "EdxFailure",
      transient: true,
      endpoint: `${edx.origin}/api/val/v0/videos/`,
    });
    expect(failure.reason).toContain("503");
    expect(edx.requestsOf("POST").length).toBe(posts + 4);
  });

  it("retries a PATCH that fails with a 5xx", async () => {
    const api = new EdxvalVideoApi(quick, wallClock);
    const payload = anEdxVideoPayload();
    await post(api, payload);
    edx.script("PATCH", { status: 500, body: "{}" });
    expect(await post(api, payload)).toEqual({ _tag: "Updated", status: 200 });
  });

  it("retries a request that times out, then reports the timeout as transient", async () => {
    const api = new EdxvalVideoApi(
      quickWith({ requestTimeout: Duration.millis(100), maxAttempts: 2 }),
      wallClock,
    );
    edx.script("POST", { stallMs: 400 });
    expect(await post(api)).toMatchObject({ _tag: "Created" });
    edx.script("POST", { stallMs: 400 }, { stallMs: 400 });
    const failure = await failureOf(api.postVideo(endpoint, anEdxVideoPayload()));
    expect(failure).toMatchObject({ transient: true });
    expect(failure.reason).toContain("timed out");
  });

  it("renews the token once when edX answers 401", async () => {
    const api = new EdxvalVideoApi(quick, wallClock);
    await post(api);
    const tokens = edx.requestsOf("token").length;
    edx.expireTokens();
    expect(await post(api)).toMatchObject({ _tag: "Created" });
    expect(edx.requestsOf("token").length).toBe(tokens + 1);
  });

  it("reports refused credentials as a permanent failure that names no secret", async () => {
    const wrong = anEdxEndpoint(edx.origin, {
      clientId: redactedSecret(EDX_CLIENT_ID),
      secretKey: redactedSecret("wrong-secret-xyz"),
    });
    const failure = await failureOf(
      new EdxvalVideoApi(quick, wallClock).postVideo(wrong, anEdxVideoPayload()),
    );
    expect(failure).toMatchObject({
      transient: false,
      reason: "the token endpoint answered 401 (invalid_client)",
    });
    expect(JSON.stringify(failure)).not.toContain("wrong-secret-xyz");
  });

  it("retries a token endpoint outage", async () => {
    edx.script("token", { status: 503, body: "{}" });
    expect(await post(new EdxvalVideoApi(quick, wallClock))).toMatchObject({ _tag: "Created" });
  });

  describe("token caching", () => {
    let fresh: FakeEdxval;
    let target: EdxEndpoint;

    beforeEach(async () => {
      fresh = await FakeEdxval.start();
      fresh.tokenLifetimeSeconds = 3600;
      target = anEdxEndpoint(fresh.origin, credentials);
    });

    afterEach(async () => {
      await fresh.close();
    });

    it("reuses the token until a minute before it expires, then renews it", async () => {
      let now = Date.parse("2026-03-01T12:00:00Z");
      const api = new EdxvalVideoApi(quick, { now: () => new Date(now) });
      await post(api, anEdxVideoPayload(), target);
      now += (3600 - 61) * 1000;
      await post(api, anEdxVideoPayload(), target);
      expect(fresh.requestsOf("token")).toHaveLength(1);
      now += 2_000;
      await post(api, anEdxVideoPayload(), target);
      expect(fresh.requestsOf("token")).toHaveLength(2);
    });

    it("shares one token request between concurrent posts", async () => {
      const api = new EdxvalVideoApi(quick, wallClock);
      await Promise.all(Array.from({ length: 6 }, () => post(api, anEdxVideoPayload(), target)));
      expect(fresh.requestsOf("token")).toHaveLength(1);
      const tokens = new Set(fresh.requestsOf("POST").map((request) => request.headers["authorization"]));
      expect(tokens.size).toBe(1);
    });

    it("uses a still-valid token stored on the endpoint row, and reports new tokens for storing", async () => {
      const now = Date.parse("2026-03-01T12:00:00Z");
      fresh.acceptToken("stored-token");
      const issued: Array<{ token: string; expiresAt: Date }> = [];
      const api = new EdxvalVideoApi(quick, { now: () => new Date(now) }, (_endpoint, token) => {
        issued.push({ token: Redacted.value(token.accessToken), expiresAt: token.expiresAt });
      });
      const stored = {
        ...target,
        accessToken: redactedSecret("stored-token"),
        accessTokenExpiresAt: new Date(now + 10 * 60_000),
      };
      await post(api, anEdxVideoPayload(), stored);
      expect(fresh.requestsOf("token")).toHaveLength(0);
      expect(fresh.requestsOf("POST")[0]?.headers["authorization"]).toBe("JWT stored-token");
      expect(issued).toEqual([]);

      const nearlyExpired = { ...stored, accessTokenExpiresAt: new Date(now + 30_000) };
      await post(
        new EdxvalVideoApi(
          quick,
          { now: () => new Date(now) },
          (_e, token) =>
            void issued.push({ token: Redacted.value(token.accessToken), expiresAt: token.expiresAt }),
        ),
        anEdxVideoPayload(),
        nearlyExpired,
      );
      expect(fresh.requestsOf("token")).toHaveLength(1);
      expect(issued).toEqual([{ token: "eyJ.fake-jwt-1", expiresAt: new Date(now + 3600 * 1000) }]);
    });
  });

  it("never writes secrets or tokens to the console", async () => {
    const written: Array<string> = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: Array<unknown>) => {
        written.push(args.map(String).join(" "));
      }),
    );
    try {
      const api = new EdxvalVideoApi(quick, wallClock);
      await post(api);
      edx.script(
        "POST",
        { status: 503, body: "{}" },
        { status: 503, body: "{}" },
        { status: 503, body: "{}" },
      );
      const failure = await failureOf(api.postVideo(endpoint, anEdxVideoPayload()));
      written.push(JSON.stringify(failure), failure.message, String(endpoint.secretKey));
      const tokens = edx
        .requestsOf("token")
        .map((request) => new URLSearchParams(request.body).get("client_secret"));
      expect(tokens.length).toBeGreaterThan(0);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const everything = written.join("\n");
    expect(everything).not.toContain(EDX_CLIENT_SECRET);
    expect(everything).not.toMatch(/fake-jwt/);
  });
});
