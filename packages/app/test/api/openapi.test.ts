import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Router from "@koa/router";
import { Either } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateCollectionBody,
  ReplaceVideoSourceInput,
  SubtitleUploadInput,
  UpdateCollectionBody,
  UpdateVideoBody,
  UploadVideosInput,
  userPrincipal,
} from "@ovs/domain";
import { aUser, storeIn } from "@ovs/domain/testing";
import { jsonSchemaOf, OPENAPI_DOCUMENT_PATH, openApiDocument } from "../../src/api/openapi-document.js";
import type { OpenApiDocument } from "../../src/api/openapi-document.js";
import { openApiRoutes } from "../../src/api/openapi-routes.js";
import { CALLBACK_PATH, LOGIN_PATHS, LOGOUT_PATH } from "../../src/auth/index.js";
import { createOvs } from "../../src/composition/create-ovs.js";
import type { Ovs } from "../../src/composition/create-ovs.js";
import { readConfig } from "../../src/config/index.js";
import { makeKoaApp } from "../../src/http/koa-app.js";

/**
 * The OpenAPI document against the service as `createOvs` composes it on the `test` profile:
 * every API route is documented and every documented operation is routed, so a route added
 * without its description (or a description left behind) fails here.
 */

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const;

/** Sign-in and logout are pages, not API. */
const isAuthPage = (path: string): boolean =>
  ([...LOGIN_PATHS, CALLBACK_PATH, LOGOUT_PATH] as ReadonlyArray<string>).includes(path) ||
  path.startsWith("/auth/") ||
  path === "/login/" ||
  path === "/logout/";

/** `/api/v0/videos/:key/` → `/api/v0/videos/{key}/`. */
const openApiPath = (path: string): string => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");

/** `METHOD /path` of every route the routers register (middleware layers have no methods). */
const routedOperations = (...routers: ReadonlyArray<Router>): ReadonlyArray<string> => {
  const operations = new Set<string>();
  for (const router of routers) {
    for (const layer of router.stack) {
      if (layer.methods.length === 0) continue;
      if (typeof layer.path !== "string")
        throw new Error(`a route with a RegExp path: ${String(layer.path)}`);
      if (isAuthPage(layer.path)) continue;
      for (const method of layer.methods) {
        if (method !== "HEAD") operations.add(`${method} ${openApiPath(layer.path)}`);
      }
    }
  }
  return [...operations].sort();
};

type Json = Record<string, unknown>;

const documentedOperations = (document: OpenApiDocument): ReadonlyArray<string> =>
  Object.entries(document.paths)
    .flatMap(([path, item]) =>
      METHODS.filter((method) => (item as Json)[method] !== undefined).map(
        (method) => `${method.toUpperCase()} ${path}`,
      ),
    )
    .sort();

const operationsOf = (document: OpenApiDocument) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Json)[method] as Json | undefined;
      return operation === undefined ? [] : [{ path, method, operation }];
    }),
  );

/** The value at a local JSON pointer (`#/components/schemas/Video`), or undefined. */
const resolvePointer = (document: unknown, pointer: string): unknown => {
  if (!pointer.startsWith("#/")) return undefined;
  let node: unknown = document;
  for (const raw of pointer.slice(2).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Json)[segment];
  }
  return node;
};

const referencesIn = (value: unknown): ReadonlyArray<string> => {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === "$ref" && typeof item === "string" ? [item] : referencesIn(item),
  );
};

/** A schema's rules without its prose (`title`, `description`), to compare two of them. */
const rulesOf = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(rulesOf);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "title" && key !== "description")
      .map(([key, item]) => [key, rulesOf(item)]),
  );
};

let ovs: Ovs;
let baseUrl: string;
let document: OpenApiDocument;

beforeAll(async () => {
  const config = Either.getOrThrow(readConfig({ OVS_PROFILE: "test", PORT: "3999" }));
  baseUrl = config.baseUrl;
  ovs = await createOvs({ config });
  document = openApiDocument({ baseUrl });
});

afterAll(async () => {
  await ovs.stop();
});

describe("the OpenAPI document and the router", () => {
  it("documents every API route, and routes every documented operation", () => {
    const routed = routedOperations(ovs.router, openApiRoutes({ baseUrl }));
    const documented = documentedOperations(document);
    expect(routed, "the routes read off the router").toContain("GET /api/v0/videos/{key}/playback/");
    expect(
      routed.filter((operation) => !documented.includes(operation)),
      "routes without a description",
    ).toEqual([]);
    expect(
      documented.filter((operation) => !routed.includes(operation)),
      "described operations without a route",
    ).toEqual([]);
  });

  it("covers the multipart routes, the token routes and itself", () => {
    expect(documentedOperations(document)).toEqual(
      expect.arrayContaining([
        "POST /api/v0/upload_subtitles/",
        "GET /api/v0/subtitles/{id}/",
        "DELETE /api/v0/subtitles/{id}/",
        "PATCH /api/v0/videos/{key}/thumbnail/",
        "GET /api/v0/videos/{key}/status/",
        "GET /api/v0/tokens/",
        "POST /api/v0/tokens/",
        "DELETE /api/v0/tokens/{id}/",
        `GET ${OPENAPI_DOCUMENT_PATH}`,
      ]),
    );
  });
});

describe("the OpenAPI document's structure", () => {
  it("is OpenAPI 3.1 with the configured base URL as its server", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: baseUrl, description: expect.any(String) }]);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["bearerAuth", "sessionCookie"]);
    expect(document.components.securitySchemes["bearerAuth"]).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(document.components.securitySchemes["sessionCookie"]).toMatchObject({
      type: "apiKey",
      in: "cookie",
    });
  });

  it("resolves every $ref", () => {
    const unresolved = referencesIn(document).filter(
      (pointer) => resolvePointer(document, pointer) === undefined,
    );
    expect(unresolved).toEqual([]);
  });

  it("gives every operation a unique id, known tags and security schemes, and described responses", () => {
    const tags = document.tags.map((tag) => tag["name"]);
    const schemes = Object.keys(document.components.securitySchemes);
    const ids = new Set<string>();
    for (const { path, method, operation } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      const id = operation["operationId"] as string;
      expect(ids.has(id), `${where}: operationId ${id} is used twice`).toBe(false);
      ids.add(id);
      for (const tag of operation["tags"] as ReadonlyArray<string>) expect(tags, where).toContain(tag);
      for (const requirement of operation["security"] as ReadonlyArray<Json>) {
        for (const scheme of Object.keys(requirement)) expect(schemes, where).toContain(scheme);
      }
      const responses = Object.entries(operation["responses"] as Json);
      expect(responses.length, `${where} has no responses`).toBeGreaterThan(0);
      expect(
        responses.some(([status]) => /^[23]\d\d$/.test(status)),
        `${where} has no success response`,
      ).toBe(true);
      for (const [status, response] of responses) {
        expect(status, where).toMatch(/^[1-5]\d\d$/);
        const resolved = (
          typeof (response as Json)["$ref"] === "string"
            ? resolvePointer(document, (response as Json)["$ref"] as string)
            : response
        ) as Json;
        expect(typeof resolved["description"], `${where} ${status} has no description`).toBe("string");
      }
    }
  });

  it("declares exactly the path parameters each path has, in OpenAPI form", () => {
    for (const { path, method, operation } of operationsOf(document)) {
      expect(path, "Koa's :name form").not.toMatch(/:/);
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const parameters = ((operation["parameters"] ?? []) as ReadonlyArray<Json>).filter(
        (parameter) => parameter["in"] === "path",
      );
      expect(parameters.map((parameter) => parameter["name"]).sort(), `${method} ${path}`).toEqual(inPath);
      for (const parameter of parameters) expect(parameter["required"]).toBe(true);
    }
  });
});

describe("the documented request bodies", () => {
  const jsonBodyOf = (path: string, method: "post" | "put" | "patch"): unknown =>
    (((document.paths[path]?.[method]?.requestBody as Json)["content"] as Json)["application/json"] as Json)[
      "schema"
    ];

  it("are the JSON Schemas of the effect Schemas the use cases decode with, encoded side", () => {
    const cases = [
      ["/api/v0/videos/{key}/", "patch", jsonSchemaOf(UpdateVideoBody, "ignore")],
      ["/api/v0/videos/{key}/", "put", jsonSchemaOf(UpdateVideoBody, "ignore")],
      ["/api/v0/upload_videos/", "post", jsonSchemaOf(UploadVideosInput, "ignore")],
      ["/api/v0/replace_video/", "post", jsonSchemaOf(ReplaceVideoSourceInput, "ignore")],
      ["/api/v0/collections/", "post", jsonSchemaOf(CreateCollectionBody, "refuse")],
      ["/api/v0/collections/{key}/", "patch", jsonSchemaOf(UpdateCollectionBody, "refuse")],
    ] as const;
    for (const [path, method, generated] of cases) {
      expect(rulesOf(jsonBodyOf(path, method)), `${method} ${path}`).toEqual(rulesOf(generated.schema));
    }
    expect(jsonBodyOf("/api/v0/videos/{key}/", "patch")).toMatchObject({
      properties: { view_lists: { type: "array" }, cta_link: {}, is_public: { type: "boolean" } },
    });
  });

  it("require on PUT of a collection what the route requires", () => {
    expect(jsonBodyOf("/api/v0/collections/{key}/", "put")).toEqual({
      ...(jsonBodyOf("/api/v0/collections/{key}/", "patch") as Json),
      required: ["title", "view_lists", "admin_lists"],
    });
  });

  it("describe the subtitle form from SubtitleUploadInput", () => {
    const form = (
      (document.paths["/api/v0/upload_subtitles/"]?.post?.requestBody as Json)["content"] as Json
    )["multipart/form-data"] as Json;
    const generated = jsonSchemaOf(SubtitleUploadInput, "ignore").schema["properties"] as Json;
    const properties = (form["schema"] as Json)["properties"] as Json;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(generated).sort());
    expect(rulesOf(properties["language"])).toEqual(rulesOf(generated["language"]));
    expect(rulesOf(properties["filename"])).toEqual(rulesOf(generated["filename"]));
    expect((form["schema"] as Json)["required"]).toEqual(["video", "file"]);
  });

  it("has the generated definitions among the components", () => {
    expect(document.components.schemas["Int"]).toMatchObject({ type: "integer" });
  });
});

describe("GET /api/v0/openapi.json", () => {
  let server: Server;
  let base: string;
  let staffToken: string;

  beforeAll(async () => {
    const app = makeKoaApp({ logger: { error: () => undefined }, mediaSources: [] });
    app.use(ovs.router.routes());
    app.use(ovs.router.allowedMethods());
    // Until the service router mounts it; once it does, the service router answers first.
    const openApi = openApiRoutes({ baseUrl });
    app.use(openApi.routes());
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const staff = await storeIn(ovs.harness!).user(aUser().named("openapi@example.edu").staff());
    staffToken = (await ovs.useCases.issueApiToken(userPrincipal(staff), { name: "openapi" })).token;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("serves the document as JSON, to anyone", async () => {
    const answer = await fetch(`${base}${OPENAPI_DOCUMENT_PATH}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument({ baseUrl }))));
  });

  it("describes the token body as the route reads it", async () => {
    const body = jsonBodyOfTokens();
    expect(Object.keys(body["properties"] as Json).sort()).toEqual(["expires_in_days", "name"]);
    expect(body["additionalProperties"]).toBe(false);
    const post = (payload: unknown) =>
      fetch(`${base}/api/v0/tokens/`, {
        method: "POST",
        headers: { Authorization: `Bearer ${staffToken}`, "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
    expect((await post({ name: "ci", expires_in_days: 7 })).status).toBe(201);
    const refused = await post({ name: "ci", expires_in_days: 7, scope: "all" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toHaveProperty("scope");
  });
});

const jsonBodyOfTokens = (): Json =>
  (
    ((document.paths["/api/v0/tokens/"]?.post?.requestBody as Json)["content"] as Json)[
      "application/json"
    ] as Json
  )["schema"] as Json;
