import { createServer } from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock, ObjectLocation, ObjectStore } from "@ovs/domain";
import {
  ObjectNotFound,
  RESTRICTED_PREFIX,
  SUBTITLE_PREFIX,
  SystemClock,
  THUMBNAIL_PREFIX,
  TRANSCODE_PREFIX,
} from "@ovs/domain";
import type { StorageFailure } from "@ovs/domain";
import { Effect, Either, Option } from "effect";
import { rangeAsked } from "./cdn/byte-range-header.js";
import type { RangeAsked } from "./cdn/byte-range-header.js";
import { readCdnRequestTarget } from "./cdn/cdn-request-target.js";
import { CloudFrontSignatureCheck } from "./cdn/cloudfront-signature-check.js";
import type { TrustedPublicKey } from "./cdn/cloudfront-signature-check.js";
import { wildcardMatches } from "./cdn/cloudfront-wildcard.js";
import { etagOf, isNotModified, rangeStillApplies } from "./cdn/conditional-request.js";
import { cacheControlOf, contentTypeOf } from "./cdn/media-types.js";

export type { TrustedPublicKey } from "./cdn/cloudfront-signature-check.js";

/** Where a cache behaviour's requests go, and whether they need a CloudFront signature. */
export interface LocalCdnOrigin {
  /** The bucket whose object at the request's key (the path without its `/`) is served. */
  readonly bucket: string;
  /** Serve only with a valid signed URL or signed cookies ("restrict viewer access"). */
  readonly requireSignature: boolean;
}

/** One cache behaviour: a CloudFront path pattern (`*` and `?` wildcards) and its origin. */
export interface LocalCdnBehaviour extends LocalCdnOrigin {
  readonly pathPattern: string;
}

/** The distribution's behaviours, first match wins, and the default behaviour (`*`). */
export interface LocalCdnRouting {
  readonly behaviours: ReadonlyArray<LocalCdnBehaviour>;
  readonly defaultBehaviour: LocalCdnOrigin;
}

/** The buckets of `VIDEO_S3_BUCKET`, `VIDEO_S3_TRANSCODE_BUCKET`, `…_THUMBNAIL_BUCKET`, `…_SUBTITLE_BUCKET`. */
export interface LocalCdnBuckets {
  readonly upload: string;
  readonly transcode: string;
  readonly thumbnail: string;
  readonly subtitle: string;
}

/**
 * The routing of OVS's CloudFront distribution (docs/architecture.md §5.3, §6.6): one origin per
 * served key space, open under `transcoded/`, `thumbnails/` and `subtitles/`, signed under their
 * `restricted/` twins; everything else goes to the upload bucket, signed only.
 */
export const cloudFrontRouting = (buckets: LocalCdnBuckets): LocalCdnRouting => {
  const spaces = [
    [TRANSCODE_PREFIX, buckets.transcode],
    [THUMBNAIL_PREFIX, buckets.thumbnail],
    [SUBTITLE_PREFIX, buckets.subtitle],
  ] as const;
  return {
    behaviours: [
      ...spaces.map(([prefix, bucket]) => ({ pathPattern: `${prefix}/*`, bucket, requireSignature: false })),
      ...spaces.map(([prefix, bucket]) => ({
        pathPattern: `${RESTRICTED_PREFIX}/${prefix}/*`,
        bucket,
        requireSignature: true,
      })),
    ],
    defaultBehaviour: { bucket: buckets.upload, requireSignature: true },
  };
};

/** Where the CDN reports what went wrong on its side (a failing store); pino or console fit. */
export interface LocalCdnLogger {
  error(message: string, details?: unknown): void;
}

export interface LocalCdnOptions {
  /** Read through the port, so any store serves: the filesystem store in the `local` profile. */
  readonly store: ObjectStore;
  readonly routing: LocalCdnRouting;
  /**
   * The public keys of the distribution's trusted key group, by key-pair id (several while a
   * key is rotated): PEM, or a `KeyObject`; a private key's public half is used.
   */
  readonly trustedKeys: Readonly<Record<string, TrustedPublicKey>>;
  /**
   * Origins whose pages may read the media (`Access-Control-Allow-Origin`, with credentials, so
   * signed cookies work); `"*"` for any origin, without credentials. None when left out.
   */
  readonly corsOrigins?: ReadonlyArray<string>;
  /**
   * The host (`name:port`) signatures name in their resources. When left out, the request's own
   * `Host`, as CloudFront matches against the host the viewer asked for.
   */
  readonly publicHost?: string;
  /** For signature expiry and cache lifetimes; the system clock when left out. */
  readonly clock?: Clock;
  /** Silent when left out. */
  readonly logger?: LocalCdnLogger;
}

export interface LocalCdnServerOptions extends LocalCdnOptions {
  /** 0 (the default) for any free port. */
  readonly port?: number;
  /** 127.0.0.1 when left out. */
  readonly hostname?: string;
}

/** A started local CDN. */
export interface RunningLocalCdn {
  /** `http://<hostname>:<port>`, no trailing slash. */
  readonly url: string;
  /** `<hostname>:<port>`: the host to sign for (`CloudFrontUrls`' `host`). */
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const ALLOWED_METHODS = "GET, HEAD, OPTIONS";
/** Request headers a page may send cross-origin: what players and caches send. */
const ALLOWED_REQUEST_HEADERS = "Range, If-Range, If-None-Match, If-Modified-Since";
const EXPOSED_HEADERS = "Accept-Ranges, Content-Length, Content-Range, Content-Type, ETag, Last-Modified";
const PREFLIGHT_MAX_AGE_SECONDS = 3000;

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (character) => `&#${character.codePointAt(0) ?? 0};`);

const single = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" ? value : value?.[0];

/** `Cookie` header pairs; the first of a repeated name wins, as browsers send the most specific first. */
const cookiesOf = (header: string | undefined): ReadonlyMap<string, string> => {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const equals = part.indexOf("=");
    if (equals === -1) continue;
    const name = part.slice(0, equals).trim();
    let value = part.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== "" && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
};

const normalisedOrigin = (origin: string): string => {
  if (origin === "*") return origin;
  const parsed = new URL(origin);
  if (parsed.origin === "null" || parsed.origin !== origin.replace(/\/$/, "")) {
    throw new RangeError(`'${origin}' is not an origin such as http://localhost:8000`);
  }
  return parsed.origin;
};

/** Waits until the response can take more, or is closed. */
const drained = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });

/**
 * Tells a body we stopped reading it. A body not started yet is started first: a store's body
 * releases what it holds when broken out of, which needs it started (a `for await` with a
 * `break` does the same).
 */
const abandon = (iterator: AsyncIterator<Uint8Array>, started: boolean): void => {
  const stop = (): Promise<unknown> => Promise.resolve(iterator.return?.());
  void (started ? stop() : Promise.resolve(iterator.next()).finally(stop)).catch(() => undefined);
};

/**
 * The `local` profile's CloudFront (docs/architecture.md §4): a second HTTP origin that serves
 * the object store at its root, routed by path like the distribution (`LocalCdnRouting`,
 * `cloudFrontRouting`), so `<cdn origin>/<s3_object_key>` works as on CloudFront. Behaviours that
 * require a signature serve only requests carrying a CloudFront signed URL or signed cookies
 * that verify with a trusted key (`CloudFrontSignatureCheck`): the very URLs `CloudFrontUrls`
 * signs. Refusals are 403 with CloudFront's XML error body and never depend on whether the
 * object exists; 404 comes only once access is granted.
 *
 * - **Keys.** The path is decoded once and refused (403) when it could escape its bucket or
 *   reach the filesystem store's own folder (`readCdnRequestTarget`); the store checks keys too.
 * - **Responses.** Content type by extension (`media-types.ts`), `Accept-Ranges`, one byte range
 *   (206, or 416 past the end), `ETag` and `Last-Modified` with `If-None-Match` /
 *   `If-Modified-Since` (304) and `If-Range`, `HEAD`, CORS for the configured origins
 *   (preflights answered without a signature: they carry neither cookies nor objects),
 *   `Cache-Control` per media kind, `private` and capped at the signature's expiry when signed.
 * - **Bodies** stream from the store with backpressure; a client that goes away stops the read
 *   and releases the store's stream.
 */
export class LocalCdn {
  private readonly store: ObjectStore;
  private readonly routing: LocalCdnRouting;
  private readonly signatures: CloudFrontSignatureCheck;
  private readonly corsOrigins: ReadonlySet<string>;
  private readonly publicHost: string | undefined;
  private readonly clock: Clock;
  private readonly logger: LocalCdnLogger | undefined;

  constructor(options: LocalCdnOptions) {
    for (const behaviour of [...options.routing.behaviours, options.routing.defaultBehaviour]) {
      if (behaviour.bucket.length === 0) throw new RangeError("a CDN behaviour needs a bucket");
    }
    const emptyPattern = options.routing.behaviours.find((behaviour) => this.patternOf(behaviour) === "");
    if (emptyPattern !== undefined) throw new RangeError("a CDN behaviour needs a path pattern");
    this.store = options.store;
    this.routing = options.routing;
    this.clock = options.clock ?? new SystemClock();
    this.signatures = new CloudFrontSignatureCheck(options.trustedKeys, this.clock);
    this.corsOrigins = new Set((options.corsOrigins ?? []).map(normalisedOrigin));
    this.publicHost = options.publicHost;
    this.logger = options.logger;
  }

  /** The request listener: `http.createServer(cdn.handle)`. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch((error: unknown) => {
      this.logger?.error("local CDN: the request failed", { url: req.url, error });
      if (!res.headersSent)
        this.answerError(req, res, 500, "InternalError", "We encountered an internal error.");
      else res.destroy();
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = single(req.headers.origin);
    this.setCorsHeaders(res, origin);
    if (req.method === "OPTIONS") return this.preflight(req, res, origin);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", ALLOWED_METHODS);
      return this.answerError(req, res, 405, "MethodNotAllowed", "The method is not allowed here.");
    }
    const target = readCdnRequestTarget(req.url ?? "/");
    if ("status" in target) {
      return target.status === 400
        ? this.answerError(req, res, 400, "InvalidURI", target.reason)
        : this.answerError(req, res, 403, "AccessDenied", target.reason);
    }
    const behaviour = this.behaviourOf(target.key);
    let signedUntil: number | undefined;
    if (behaviour.requireSignature) {
      const verdict = this.signatures.check({
        host: this.publicHost ?? single(req.headers.host) ?? "",
        path: target.canonicalPath,
        query: target.query,
        cookies: cookiesOf(single(req.headers.cookie)),
        sourceAddress: req.socket.remoteAddress,
      });
      if (!verdict.granted) return this.answerError(req, res, 403, "AccessDenied", verdict.reason);
      signedUntil = verdict.expiresAt.getTime();
    }
    return this.serveObject(req, res, { bucket: behaviour.bucket, key: target.key }, signedUntil);
  }

  private async serveObject(
    req: IncomingMessage,
    res: ServerResponse,
    location: ObjectLocation,
    signedUntil: number | undefined,
  ): Promise<void> {
    const aborted = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    const head = await this.run(this.store.head(location), aborted.signal);
    if (head === undefined) return;
    if (Either.isLeft(head)) return this.storageFailed(req, res, location, head.left);
    if (Option.isNone(head.right)) return this.notFound(req, res);
    const info = head.right.value;
    const etag = etagOf(info);
    const headers: OutgoingHttpHeaders = {
      "Accept-Ranges": "bytes",
      "Cache-Control": cacheControlOf(location.key, signedUntil, this.clock.now().getTime()),
      ...(etag === undefined ? {} : { ETag: etag }),
      ...(info.lastModified === null ? {} : { "Last-Modified": info.lastModified.toUTCString() }),
    };
    const ifNoneMatch = single(req.headers["if-none-match"]);
    if (isNotModified(ifNoneMatch, single(req.headers["if-modified-since"]), etag, info.lastModified)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    headers["Content-Type"] = contentTypeOf(location.key, info.contentType);
    headers["X-Content-Type-Options"] = "nosniff";
    const asked: RangeAsked = rangeStillApplies(single(req.headers["if-range"]), etag, info.lastModified)
      ? rangeAsked(single(req.headers.range), info.size)
      : { kind: "whole" };
    if (asked.kind === "unsatisfiable") {
      res.setHeader("Content-Range", `bytes */${info.size}`);
      return this.answerError(req, res, 416, "InvalidRange", "The requested range is not satisfiable.");
    }
    if (req.method === "HEAD") {
      res.writeHead(...this.statusAndLength(asked, info.size, headers));
      res.end();
      return;
    }
    const got = await this.run(
      this.store.get(location, asked.kind === "range" ? { start: asked.start, end: asked.end } : undefined),
      aborted.signal,
    );
    if (got === undefined) return;
    if (Either.isLeft(got)) {
      if (got.left instanceof ObjectNotFound) return this.notFound(req, res);
      return this.storageFailed(req, res, location, got.left);
    }
    const stored = got.right;
    const iterator = stored.body[Symbol.asyncIterator]();
    if (res.destroyed) {
      abandon(iterator, false);
      return;
    }
    // The object may have been replaced since the head: describe the one being sent.
    const sentEtag = etagOf(stored.info);
    if (sentEtag === undefined) delete headers.ETag;
    else headers.ETag = sentEtag;
    if (stored.info.lastModified !== null) headers["Last-Modified"] = stored.info.lastModified.toUTCString();
    res.writeHead(...this.statusAndLength(asked, stored.info.size, headers));
    await this.pump(iterator, res, location);
  }

  private statusAndLength(
    asked: RangeAsked,
    size: number,
    headers: OutgoingHttpHeaders,
  ): [number, OutgoingHttpHeaders] {
    if (asked.kind !== "range") return [200, { ...headers, "Content-Length": size }];
    const end = Math.min(asked.end, size - 1);
    return [
      206,
      {
        ...headers,
        "Content-Length": end - asked.start + 1,
        "Content-Range": `bytes ${asked.start}-${end}/${size}`,
      },
    ];
  }

  /** Copies a body to the response with backpressure; stops reading as soon as the client goes. */
  private async pump(
    iterator: AsyncIterator<Uint8Array>,
    res: ServerResponse,
    location: ObjectLocation,
  ): Promise<void> {
    const closed = new Promise<"closed">((resolve) => {
      if (res.destroyed) resolve("closed");
      res.once("close", () => resolve("closed"));
    });
    let started = false;
    for (;;) {
      let step: IteratorResult<Uint8Array> | "closed";
      try {
        const next = iterator.next();
        started = true;
        step = await Promise.race([next, closed]);
      } catch (error) {
        // The store failed mid-body: the response is cut short, so the client sees it incomplete.
        this.logger?.error("local CDN: reading an object failed", { ...location, error });
        res.destroy();
        return;
      }
      if (step === "closed") {
        abandon(iterator, started);
        return;
      }
      if (step.done === true) {
        res.end();
        return;
      }
      if (!res.write(step.value)) await drained(res);
      if (res.destroyed) {
        abandon(iterator, started);
        return;
      }
    }
  }

  /** An Effect's outcome, or undefined when the client went away first (the Effect is interrupted). */
  private async run<A, E>(
    effect: Effect.Effect<A, E>,
    signal: AbortSignal,
  ): Promise<Either.Either<A, E> | undefined> {
    try {
      return await Effect.runPromise(Effect.either(effect), { signal });
    } catch (error) {
      if (signal.aborted) return undefined;
      throw error;
    }
  }

  private behaviourOf(key: string): LocalCdnOrigin {
    return (
      this.routing.behaviours.find((behaviour) => wildcardMatches(this.patternOf(behaviour), key)) ??
      this.routing.defaultBehaviour
    );
  }

  /** CloudFront path patterns may start with `/`; keys never do. */
  private patternOf(behaviour: LocalCdnBehaviour): string {
    return behaviour.pathPattern.startsWith("/") ? behaviour.pathPattern.slice(1) : behaviour.pathPattern;
  }

  private setCorsHeaders(res: ServerResponse, origin: string | undefined): void {
    if (this.corsOrigins.size === 0) return;
    res.setHeader("Vary", "Origin");
    if (origin === undefined) return;
    if (this.corsOrigins.has(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
    } else if (this.corsOrigins.has("*")) {
      res.setHeader("Access-Control-Allow-Origin", "*");
    } else {
      return;
    }
    res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  }

  private preflight(req: IncomingMessage, res: ServerResponse, origin: string | undefined): void {
    res.setHeader("Allow", ALLOWED_METHODS);
    if (origin === undefined) {
      res.writeHead(204);
      res.end();
      return;
    }
    const method = single(req.headers["access-control-request-method"]);
    if (!res.hasHeader("Access-Control-Allow-Origin") || (method !== "GET" && method !== "HEAD")) {
      for (const name of [
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
        "Access-Control-Expose-Headers",
      ]) {
        res.removeHeader(name);
      }
      return this.answerError(
        req,
        res,
        403,
        "AccessForbidden",
        "CORSResponse: This CORS request is not allowed.",
      );
    }
    res.removeHeader("Access-Control-Expose-Headers");
    res.writeHead(204, {
      Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      "Access-Control-Allow-Methods": "GET, HEAD",
      "Access-Control-Allow-Headers": ALLOWED_REQUEST_HEADERS,
      "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_SECONDS,
    });
    res.end();
  }

  private notFound(req: IncomingMessage, res: ServerResponse): void {
    this.answerError(req, res, 404, "NoSuchKey", "The specified key does not exist.");
  }

  /**
   * A transient store failure is 503; a permanent one is what the store says of a key it refuses
   * or a bucket it lacks, which no request here can fix: 404, and logged.
   */
  private storageFailed(
    req: IncomingMessage,
    res: ServerResponse,
    location: ObjectLocation,
    failure: StorageFailure,
  ): void {
    this.logger?.error("local CDN: the store failed", { ...location, reason: failure.reason });
    if (failure.transient) {
      res.setHeader("Retry-After", "1");
      return this.answerError(req, res, 503, "ServiceUnavailable", "Please try again.");
    }
    return this.notFound(req, res);
  }

  /** CloudFront's (S3's) XML error body; never cached. */
  private answerError(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
  ): void {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>\n`;
    res.writeHead(status, {
      "Content-Type": "text/xml",
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  }
}

/** Starts a `LocalCdn` on its own port (127.0.0.1, any free port by default). */
export const startLocalCdn = async (options: LocalCdnServerOptions): Promise<RunningLocalCdn> => {
  const cdn = new LocalCdn(options);
  const server = createServer(cdn.handle);
  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  return {
    url: `http://${host}`,
    host,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
};
