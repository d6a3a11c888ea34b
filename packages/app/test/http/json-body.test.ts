import { request as httpRequest } from "node:http";
import Router from "@koa/router";
import { InvalidInput } from "@ovs/domain";
import { Either, Schema } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBody, decodeBodyEither, readJsonBody } from "../../src/http/json-body.js";
import { makeKoaApp } from "../../src/http/koa-app.js";
import { recordingLogger, startKoa, type KoaTestServer } from "./support/koa-test-server.js";

const LIMIT = 1024;

const CollectionBody = Schema.Struct({
  title: Schema.String.pipe(Schema.maxLength(20)),
  description: Schema.optionalWith(Schema.String, { exact: true }),
  view_lists: Schema.optionalWith(Schema.Array(Schema.String), { exact: true }),
});

let server: KoaTestServer;
/** Bytes the route had read when it answered, per request id. */
const bytesRead = new Map<string, number>();

beforeAll(async () => {
  const app = makeKoaApp({ logger: recordingLogger(), mediaSources: [] });
  const router = new Router();
  router.post("/api/v0/echo/", async (ctx) => {
    ctx.body = { received: await readJsonBody(ctx, LIMIT) };
  });
  router.post("/api/v0/collections/", async (ctx) => {
    const body = decodeBody(CollectionBody, await readJsonBody(ctx, LIMIT));
    ctx.status = 201;
    ctx.body = body;
  });
  router.post("/api/v0/counted/", async (ctx) => {
    try {
      ctx.body = { received: await readJsonBody(ctx, LIMIT) };
    } finally {
      bytesRead.set(ctx.get("X-Request-Id"), ctx.req.socket.bytesRead);
    }
  });
  app.use(router.routes());
  server = await startKoa(app);
});

afterAll(async () => {
  await server.close();
});

type Body = NonNullable<RequestInit["body"]>;

const post = (path: string, body: Body | null, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: "POST", headers, ...(body === null ? {} : { body }) });

const json = { "Content-Type": "application/json" };

describe("readJsonBody", () => {
  it("reads a JSON body", async () => {
    const response = await post("/api/v0/echo/", JSON.stringify({ title: "Physics", n: [1, 2] }), json);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { title: "Physics", n: [1, 2] } });
  });

  it("accepts the media type in any case and with a UTF-8 charset", async () => {
    for (const type of [
      "Application/JSON",
      "application/json; charset=utf-8",
      'application/json;charset="UTF-8"',
    ]) {
      const response = await post("/api/v0/echo/", JSON.stringify({ title: "Ångström" }), {
        "Content-Type": type,
      });
      expect(response.status, type).toBe(200);
      expect(await response.json()).toEqual({ received: { title: "Ångström" } });
    }
  });

  it("reads a body of exactly the limit", async () => {
    const body = JSON.stringify({ pad: "x".repeat(LIMIT - 10) });
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const response = await post("/api/v0/echo/", body, json);
    expect(response.status).toBe(200);
  });

  it("reads a request without a body as {}, so missing fields are named", async () => {
    const response = await post("/api/v0/collections/", null);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ title: ["This field is required."] });
  });

  it.each([
    ["text/plain", 'Unsupported media type "text/plain" in request.'],
    [
      "application/x-www-form-urlencoded",
      'Unsupported media type "application/x-www-form-urlencoded" in request.',
    ],
    [
      "application/json; charset=latin-1",
      'Unsupported media type "application/json; charset=latin-1" in request.',
    ],
    ["application/jsonp", 'Unsupported media type "application/jsonp" in request.'],
  ])("answers 415 for %s", async (type, detail) => {
    const response = await post("/api/v0/echo/", JSON.stringify({ title: "x" }), { "Content-Type": type });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ detail });
  });

  it("answers 415 for a body without a content type", async () => {
    const response = await post("/api/v0/echo/", new Uint8Array(Buffer.from('{"title":"x"}')));
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ detail: 'Unsupported media type "" in request.' });
  });

  it("answers 415 for a compressed body", async () => {
    const response = await post("/api/v0/echo/", "not really gzip", { ...json, "Content-Encoding": "gzip" });
    expect(response.status).toBe(415);
  });

  it.each([
    ["truncated", '{"title": "Phys'],
    ["trailing comma", '{"title": "Physics",}'],
    ["not JSON at all", "title=Physics"],
    ["only whitespace", "   "],
  ])("answers malformed JSON (%s) 400 with DRF's wording", async (_case, body) => {
    const response = await post("/api/v0/echo/", body, json);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { detail: string };
    expect(Object.keys(answer)).toEqual(["detail"]);
    expect(answer.detail).toMatch(/^JSON parse error - ./);
  });

  it("answers a body that is not UTF-8 400", async () => {
    const response = await post("/api/v0/echo/", new Uint8Array([0x22, 0xff, 0xfe, 0x22]), json);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: "JSON parse error - the body is not valid UTF-8" });
  });

  it("answers 413 at once when the declared length is over the limit", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${server.url}/api/v0/echo/`, {
        method: "POST",
        headers: { ...json, "Content-Length": String(50 * 1024 * 1024) },
      });
      request.on("response", (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, body });
        });
      });
      request.on("error", reject);
      // Only the headers are sent: the answer must come without any of the body.
      request.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ detail: `The request body is larger than ${LIMIT} bytes.` });
  });

  it("answers 413 for a streamed body while it is being sent, without reading the rest", async () => {
    const total = 256 * 1024 * 1024;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const requestId = "stream-oversize";
    const answer = await new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
      let written = 0;
      let answered = false;
      const request = httpRequest(`${server.url}/api/v0/counted/`, {
        method: "POST",
        // No Content-Length: the body is chunked, its size unknown until it ends.
        headers: { ...json, "X-Request-Id": requestId },
      });
      request.on("response", (response) => {
        answered = true;
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (part: string) => (body += part));
        response.on("end", () => {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, body, written });
        });
      });
      request.on("error", (error) => {
        if (!answered) reject(error);
      });
      const pump = () => {
        while (!answered && written < total) {
          written += chunk.length;
          if (!request.write(chunk)) {
            request.once("drain", pump);
            return;
          }
        }
        if (!answered) request.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ detail: `The request body is larger than ${LIMIT} bytes.` });
    // The client got its answer long before it could send the whole body...
    expect(answer.written).toBeLessThan(total / 4);
    // ...and the server had read little more than the limit (plus one chunk and the headers).
    expect(bytesRead.get(requestId)).toBeLessThan(LIMIT + 128 * 1024);
  });
});

describe("decodeBody", () => {
  it("decodes a body the schema accepts", async () => {
    const response = await post(
      "/api/v0/collections/",
      JSON.stringify({ title: "Physics", view_lists: ["a"] }),
      json,
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ title: "Physics", view_lists: ["a"] });
  });

  it("refuses an unknown field, naming it", async () => {
    const response = await post(
      "/api/v0/collections/",
      JSON.stringify({ title: "Physics", titel: "typo" }),
      json,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ titel: ["This field is not allowed."] });
  });

  it("reports every problem with its field", async () => {
    const response = await post(
      "/api/v0/collections/",
      JSON.stringify({ title: "x".repeat(30), view_lists: ["a", 3], extra: true }),
      json,
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["extra", "title", "view_lists"]);
    expect(body["view_lists"]).toEqual({ "1": [expect.stringMatching(/Expected string/)] });
  });

  it("refuses a body that is not an object under non_field_errors", async () => {
    const response = await post("/api/v0/collections/", JSON.stringify(["Physics"]), json);
    expect(response.status).toBe(400);
    expect(Object.keys((await response.json()) as object)).toEqual(["non_field_errors"]);
  });

  it("gives the domain's InvalidInput", () => {
    const decoded = decodeBodyEither(CollectionBody, { description: 4 });
    expect(Either.isLeft(decoded)).toBe(true);
    if (Either.isLeft(decoded)) {
      expect(decoded.left).toBeInstanceOf(InvalidInput);
      expect(decoded.left.problems.map(({ field }) => field).sort()).toEqual(["description", "title"]);
    }
  });
});
