import { createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBytes, failureOf, patternedBytes } from "@ovs/domain/testing";
import { describeVideoSourceContract } from "@ovs/domain/contracts";
import { addressPolicy, type HostResolver } from "../src/address-guard.js";
import {
  startLoopbackServer,
  writeWithBackpressure,
  type LoopbackServer,
} from "./support/loopback-server.js";
import {
  makeUrlVideoSourceSettings,
  UrlVideoSource,
  type UrlVideoSourceSettingsInput,
} from "../src/url-video-source.js";

/** What a path on the test file server answers. */
type Route =
  | {
      readonly kind: "file";
      readonly bytes: Uint8Array;
      readonly contentType?: string;
      readonly disposition?: string;
      /** Leave Content-Length out (chunked transfer). */
      readonly chunked?: boolean;
      readonly breakAfter?: number;
    }
  | { readonly kind: "generated"; readonly size: number; readonly chunks: () => Iterable<Uint8Array> }
  | { readonly kind: "status"; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: "redirect"; readonly location: string; readonly status?: number };

class FileServer {
  private readonly routes = new Map<string, Route>();
  private sequence = 0;
  requests = 0;

  private constructor(readonly server: LoopbackServer) {}

  static async start(host = "127.0.0.1"): Promise<FileServer> {
    const started: { files?: FileServer } = {};
    const server = await startLoopbackServer(async (request, response) => {
      const files = started.files;
      if (files === undefined) throw new Error("not started");
      files.requests += 1;
      await files.answer(new URL(request.url ?? "/", "http://files").pathname, response);
    }, host);
    const files = new FileServer(server);
    started.files = files;
    return files;
  }

  /** Registers a route under a fresh path ending in `name` and returns its URL. */
  route(route: Route, name = "video.mp4"): string {
    this.sequence += 1;
    const path = `/${this.sequence}/${name}`;
    this.routes.set(path, route);
    return `${this.server.url}${path}`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async answer(path: string, response: ServerResponse): Promise<void> {
    const route = this.routes.get(path);
    if (route === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end("no such file");
      return;
    }
    if (route.kind === "status") {
      response
        .writeHead(route.status, {
          "content-type": "text/plain",
          ...(route.retryAfterSeconds === undefined
            ? {}
            : { "retry-after": String(route.retryAfterSeconds) }),
        })
        .end("busy");
      return;
    }
    if (route.kind === "generated") {
      // No Content-Length: the size limit can only be enforced while streaming.
      response.writeHead(200, { "content-type": "video/mp4" });
      await writeWithBackpressure(response, route.chunks());
      response.end();
      return;
    }
    if (route.kind === "redirect") {
      response.writeHead(route.status ?? 302, { location: route.location }).end();
      return;
    }
    response.writeHead(200, {
      "content-type": route.contentType ?? "application/octet-stream",
      ...(route.chunked === true ? {} : { "content-length": route.bytes.length }),
      ...(route.disposition === undefined ? {} : { "content-disposition": route.disposition }),
    });
    const limit = route.breakAfter ?? route.bytes.length;
    const chunks = function* (): Iterable<Uint8Array> {
      for (let offset = 0; offset < limit; offset += 64 * 1024)
        yield route.bytes.subarray(offset, Math.min(limit, offset + 64 * 1024));
    };
    await writeWithBackpressure(response, chunks());
    if (route.breakAfter !== undefined) setTimeout(() => response.socket?.destroy(), 20);
    else response.end();
  }
}

/** Serving real files from loopback needs loopback allowed explicitly. */
const loopbackAllowed: Partial<UrlVideoSourceSettingsInput> = {
  allowHttp: true,
  allowedAddressRanges: ["127.0.0.0/8"],
};

describeVideoSourceContract("plain URLs against a local file server", async () => {
  const files = await FileServer.start();
  const source = new UrlVideoSource(
    makeUrlVideoSourceSettings({ maxBytes: 100 * 1024 * 1024, ...loopbackAllowed }),
  );
  return {
    source,
    serve: async (file) =>
      files.route({ kind: "file", bytes: file.bytes, contentType: file.contentType }, file.name),
    missingLink: async () => `${files.server.url}/nothing-here/video.mp4`,
    unavailableLink: async ({ retryAfterSeconds }) =>
      files.route({
        kind: "status",
        status: 503,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      }),
    brokenLink: async (file, afterBytes) =>
      files.route(
        { kind: "file", bytes: file.bytes, contentType: file.contentType, breakAfter: afterBytes },
        file.name,
      ),
    dispose: async () => {
      await source.close();
      await files.close();
    },
  };
});

describe("UrlVideoSource", () => {
  let files: FileServer;
  let open: UrlVideoSource;
  let guarded: UrlVideoSource;
  const resolver: HostResolver = async (hostname) => {
    const table: Record<string, ReadonlyArray<{ address: string; family: 4 | 6 }>> = {
      "videos.example.test": [{ address: "127.0.0.1", family: 4 }],
      "intranet.example.test": [{ address: "192.168.10.20", family: 4 }],
      "mixed.example.test": [
        { address: "93.184.216.34", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ],
      "mapped.example.test": [{ address: "::ffff:169.254.169.254", family: 6 }],
    };
    const answer = table[hostname];
    if (answer === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answer;
  };

  beforeAll(async () => {
    files = await FileServer.start();
    open = new UrlVideoSource(
      makeUrlVideoSourceSettings({ maxBytes: 10_000, maxRedirects: 5, ...loopbackAllowed }),
      resolver,
    );
    // The production default: no exemptions. http is allowed only so the refusal is about the address.
    guarded = new UrlVideoSource(makeUrlVideoSourceSettings({ maxBytes: 10_000, allowHttp: true }), resolver);
  });

  afterAll(async () => {
    await open.close();
    await guarded.close();
    await files.close();
  });

  const expectRefused = async (source: UrlVideoSource, url: string, mention: string): Promise<string> => {
    const before = files.requests;
    const failure = await failureOf(source.open(url));
    expect(failure).toMatchObject({ _tag: "SourceRejected", url });
    expect(failure.reason).toContain("refused");
    expect(failure.reason).toContain(mention);
    expect(files.requests).toBe(before);
    return failure.reason;
  };

  it("refuses loopback, private, link-local/metadata and IPv6 loopback addresses", async () => {
    const served = files.route({ kind: "file", bytes: patternedBytes(10) });
    await expectRefused(guarded, served, "127.0.0.1 is a loopback address");
    await expectRefused(guarded, "http://10.1.2.3/video.mp4", "10.1.2.3 is a private address");
    await expectRefused(guarded, "http://169.254.169.254/latest/meta-data/", "link-local");
    await expectRefused(guarded, "http://[::1]/video.mp4", "::1 is a loopback address");
    await expectRefused(guarded, "http://[::ffff:127.0.0.1]/video.mp4", "loopback");
    await expectRefused(guarded, "http://0.0.0.0/video.mp4", "unspecified");
  });

  it("refuses a host name that resolves to loopback or a private address", async () => {
    const port = files.server.port;
    await expectRefused(
      guarded,
      `http://videos.example.test:${port}/1/video.mp4`,
      "videos.example.test resolves to 127.0.0.1, a loopback address",
    );
    await expectRefused(
      guarded,
      "http://intranet.example.test/video.mp4",
      "192.168.10.20, a private address",
    );
    await expectRefused(guarded, "http://mixed.example.test/video.mp4", "10.0.0.7");
    await expectRefused(guarded, "http://mapped.example.test/video.mp4", "link-local");
  });

  it("refuses a redirect to a private address, after following the public part", async () => {
    for (const target of [
      "http://10.20.30.40/video.mp4",
      "http://169.254.169.254/latest/meta-data/",
      "http://intranet.example.test/video.mp4",
    ]) {
      const url = files.route({ kind: "redirect", location: target });
      const failure = await failureOf(open.open(url));
      expect(failure).toMatchObject({ _tag: "SourceRejected", url });
      expect(failure.reason).toContain("refused");
      expect(failure.reason).toContain(`after redirects, at ${new URL(target).href}`);
    }
  });

  it("serves a file from a host name that resolves to an allowed address", async () => {
    const bytes = patternedBytes(5000, 2);
    const url = files.route({ kind: "file", bytes, contentType: "video/mp4" });
    const viaName = url.replace("127.0.0.1", "videos.example.test");
    const opened = await Effect.runPromise(open.open(viaName));
    expect(await collectBytes(opened.body)).toEqual(bytes);
  });

  it("follows up to five redirects and refuses a sixth", async () => {
    const bytes = patternedBytes(100, 4);
    const chain = (length: number): string => {
      let url = files.route({ kind: "file", bytes }, "end.mp4");
      for (let hop = 0; hop < length; hop += 1)
        url = files.route({ kind: "redirect", location: url, status: hop % 2 === 0 ? 301 : 307 });
      return url;
    };
    const opened = await Effect.runPromise(open.open(chain(5)));
    expect(opened.name).toBe("end.mp4");
    expect(await collectBytes(opened.body)).toEqual(bytes);

    const failure = await failureOf(open.open(chain(6)));
    expect(failure).toMatchObject({ _tag: "SourceRejected", reason: "more than 5 redirects" });
  });

  it("accepts only https unless http is enabled, also on redirects", async () => {
    const httpsOnly = new UrlVideoSource(
      makeUrlVideoSourceSettings({ maxBytes: 10, allowedAddressRanges: ["127.0.0.0/8"] }),
    );
    try {
      expect(await failureOf(httpsOnly.open("http://example.com/video.mp4"))).toMatchObject({
        _tag: "SourceRejected",
        reason: "only https URLs are accepted, not http",
      });
      expect(await failureOf(httpsOnly.open("ftp://example.com/video.mp4"))).toMatchObject({
        _tag: "SourceRejected",
      });
    } finally {
      await httpsOnly.close();
    }
    const toFtp = files.route({ kind: "redirect", location: "ftp://example.com/video.mp4" });
    const failure = await failureOf(open.open(toFtp));
    expect(failure).toMatchObject({ _tag: "SourceRejected" });
    expect(failure.reason).toContain("not ftp");
  });

  it("refuses a file whose announced size is over the limit before reading it", async () => {
    const url = files.route({ kind: "file", bytes: patternedBytes(20_000) });
    const failure = await failureOf(open.open(url));
    expect(failure).toMatchObject({ _tag: "SourceRejected" });
    expect(failure.reason).toContain("limit of 10000");
  });

  it("cuts off a body that grows over the limit while streaming, with a permanent error", async () => {
    const url = files.route({ kind: "file", bytes: patternedBytes(50_000), chunked: true });
    const opened = await Effect.runPromise(open.open(url));
    expect(opened.size).toBeNull();
    let received = 0;
    let thrown: unknown;
    try {
      for await (const chunk of opened.body) received += chunk.length;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ _tag: "SourceRejected", url });
    expect(received).toBeLessThanOrEqual(10_000);
  });

  it("streams a large body without announced size intact, with bounded memory", async () => {
    const size = 128 * 1024 * 1024;
    const block = randomBytes(1024 * 1024);
    const chunks = function* (): Iterable<Uint8Array> {
      for (let index = 0; index * block.length < size; index += 1) {
        const chunk = Buffer.from(block);
        chunk.writeUInt32BE(index, 0);
        yield chunk;
      }
    };
    const expected = createHash("sha256");
    for (const chunk of chunks()) expected.update(chunk);
    const large = new UrlVideoSource(makeUrlVideoSourceSettings({ maxBytes: size, ...loopbackAllowed }));
    try {
      const opened = await Effect.runPromise(large.open(files.route({ kind: "generated", size, chunks })));
      const baseline = process.memoryUsage().rss;
      let peakGrowth = 0;
      let received = 0;
      const hash = createHash("sha256");
      for await (const chunk of opened.body) {
        hash.update(chunk);
        received += chunk.length;
        if (received % (8 * 1024 * 1024) < chunk.length) {
          peakGrowth = Math.max(peakGrowth, process.memoryUsage().rss - baseline);
        }
      }
      expect(received).toBe(size);
      expect(hash.digest("hex")).toBe(expected.digest("hex"));
      expect(peakGrowth).toBeLessThan(96 * 1024 * 1024);
    } finally {
      await large.close();
    }
  }, 60_000);

  it("names the file from Content-Disposition, else from the URL path", async () => {
    const disposed = await Effect.runPromise(
      open.open(
        files.route({
          kind: "file",
          bytes: patternedBytes(4),
          contentType: "video/quicktime; charset=binary",
          disposition: "attachment; filename*=UTF-8''Lecture%20%C3%A9t%C3%A9.mov",
        }),
      ),
    );
    expect(disposed).toMatchObject({ name: "Lecture été.mov", contentType: "video/quicktime", size: 4 });
    const fromPath = await Effect.runPromise(
      open.open(files.route({ kind: "file", bytes: patternedBytes(4), contentType: "" }, "Talk%20one.webm")),
    );
    expect(fromPath).toMatchObject({ name: "Talk one.webm", contentType: "video/webm" });
  });

  it("classifies statuses: 404 and 403 permanent, 503 and 429 transient with Retry-After", async () => {
    expect(await failureOf(open.open(files.route({ kind: "status", status: 403 })))).toMatchObject({
      _tag: "SourceRejected",
    });
    expect(
      await failureOf(open.open(files.route({ kind: "status", status: 429, retryAfterSeconds: 12 }))),
    ).toMatchObject({
      _tag: "SourceUnavailable",
      retryAfterSeconds: 12,
    });
    expect(await failureOf(open.open(files.route({ kind: "status", status: 502 })))).toMatchObject({
      _tag: "SourceUnavailable",
    });
  });

  it("reports a refused connection as transient", async () => {
    const closed = await FileServer.start();
    const url = closed.route({ kind: "file", bytes: patternedBytes(4) });
    await closed.close();
    expect(await failureOf(open.open(url))).toMatchObject({ _tag: "SourceUnavailable" });
  });
});

describe("addressPolicy", () => {
  it("allows public unicast only, judging IPv4-mapped addresses as IPv4", () => {
    const verdictOf = addressPolicy();
    const allowed = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"];
    const refused = [
      "127.0.0.1",
      "127.8.9.10",
      "10.0.0.1",
      "172.16.5.4",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "224.0.0.1",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "fd00:ec2::254",
      "::ffff:10.0.0.1",
      "::ffff:7f00:1",
      "64:ff9b::a00:1",
      "not an address",
    ];
    for (const address of allowed) expect(verdictOf(address), address).toEqual({ allowed: true });
    for (const address of refused) expect(verdictOf(address).allowed, address).toBe(false);
  });

  it("exempts configured ranges only", () => {
    const verdictOf = addressPolicy(["127.0.0.0/8", "fd12::/16"]);
    expect(verdictOf("127.0.0.1")).toEqual({ allowed: true });
    expect(verdictOf("::ffff:127.0.0.1")).toEqual({ allowed: true });
    expect(verdictOf("fd12::5")).toEqual({ allowed: true });
    expect(verdictOf("::1").allowed).toBe(false);
    expect(verdictOf("10.0.0.1").allowed).toBe(false);
    expect(() => addressPolicy(["localhost"])).toThrow(RangeError);
  });
});
