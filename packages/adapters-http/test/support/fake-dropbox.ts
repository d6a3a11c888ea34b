import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import {
  readRequestText,
  sendJson,
  startLoopbackServer,
  writeWithBackpressure,
  type LoopbackServer,
} from "./loopback-server.js";

/** What a shared link leads to on the fake Dropbox. */
export type FakeDropboxLink =
  | {
      readonly kind: "file";
      readonly name: string;
      readonly size: number;
      /** A fresh stream of exactly `size` bytes for every download. */
      readonly chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
      /** Cut the connection after this many bytes (headers announce the full size). */
      readonly breakAfter?: number;
      /** Stop sending, without closing, after this many bytes. */
      readonly stallAfter?: number;
      /** Leave `Dropbox-API-Result` out, or send this raw value instead. */
      readonly metadataHeader?: string | null;
    }
  | {
      readonly kind: "status";
      readonly status: number;
      readonly body: unknown;
      readonly retryAfterSeconds?: number;
    };

export interface DownloadRecord {
  readonly link: string;
  readonly authorization: string | undefined;
  readonly apiArg: string | undefined;
}

const APP_KEY = "fake-app-key";
const APP_SECRET = "fake-app-secret";
const REFRESH_TOKEN = "fake-refresh-token";

/**
 * A local server speaking the two Dropbox endpoints the source uses: `POST /oauth2/token`
 * (refresh-token grant, Basic app key/secret) and `POST /2/sharing/get_shared_link_file`
 * (Bearer token, `Dropbox-API-Arg: {"url": …}`, metadata in `Dropbox-API-Result`).
 */
export class FakeDropbox {
  readonly appKey = APP_KEY;
  readonly appSecret = APP_SECRET;
  readonly refreshToken = REFRESH_TOKEN;
  tokenLifetimeSeconds = 14_400;
  /** Token requests seen, valid or not. */
  tokenRequests = 0;
  readonly downloads: Array<DownloadRecord> = [];
  private readonly validTokens = new Set<string>();
  private readonly links = new Map<string, FakeDropboxLink>();
  private refreshTokenRevoked = false;
  private tokenOutage: { status: number; remaining: number } | undefined;
  private tokenSequence = 0;

  private constructor(private readonly server: LoopbackServer) {}

  static async start(): Promise<FakeDropbox> {
    const started: { fake?: FakeDropbox } = {};
    const server = await startLoopbackServer(async (request, response) => {
      const fake = started.fake;
      if (fake === undefined) throw new Error("not started");
      const path = new URL(request.url ?? "/", "http://fake").pathname;
      if (request.method === "POST" && path === "/oauth2/token") {
        await fake.token(await readRequestText(request), request.headers.authorization, response);
      } else if (request.method === "POST" && path === "/2/sharing/get_shared_link_file") {
        await readRequestText(request);
        await fake.download(request.headers.authorization, request.headers["dropbox-api-arg"], response);
      } else {
        sendJson(response, 404, { error_summary: "not_found/" });
      }
    });
    const fake = new FakeDropbox(server);
    started.fake = fake;
    return fake;
  }

  get tokenUrl(): string {
    return `${this.server.url}/oauth2/token`;
  }

  get contentApiUrl(): string {
    return this.server.url;
  }

  /** A fresh, well-formed shared link. */
  newLink(name = "video.mp4"): string {
    return `https://www.dropbox.com/scl/fi/${randomBytes(8).toString("hex")}/${encodeURIComponent(name)}?rlkey=${randomBytes(6).toString("hex")}&dl=0`;
  }

  serve(link: string, target: FakeDropboxLink): string {
    this.links.set(link, target);
    return link;
  }

  /** Every access token handed out so far stops working (Dropbox then answers 401). */
  expireAccessTokens(): void {
    this.validTokens.clear();
  }

  /** The app's refresh token is revoked: the token endpoint answers 400 `invalid_grant`. */
  revokeRefreshToken(): void {
    this.refreshTokenRevoked = true;
  }

  /** The token endpoint answers `status` for the next `times` requests. */
  failTokenRequests(status: number, times = 1): void {
    this.tokenOutage = { status, remaining: times };
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async token(
    form: string,
    authorization: string | undefined,
    response: ServerResponse,
  ): Promise<void> {
    this.tokenRequests += 1;
    if (this.tokenOutage !== undefined && this.tokenOutage.remaining > 0) {
      this.tokenOutage.remaining -= 1;
      sendJson(response, this.tokenOutage.status, { error: "server_error" });
      return;
    }
    const expected = `Basic ${Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString("base64")}`;
    if (authorization !== expected) {
      sendJson(response, 400, {
        error: "invalid_client",
        error_description: "Invalid client_id or client_secret",
      });
      return;
    }
    const params = new URLSearchParams(form);
    if (
      params.get("grant_type") !== "refresh_token" ||
      params.get("refresh_token") !== REFRESH_TOKEN ||
      this.refreshTokenRevoked
    ) {
      sendJson(response, 400, {
        error: "invalid_grant",
        error_description: "refresh token is invalid or revoked",
      });
      return;
    }
    this.tokenSequence += 1;
    const token = `sl.fake-${this.tokenSequence}-${randomBytes(6).toString("hex")}`;
    this.validTokens.add(token);
    sendJson(response, 200, {
      access_token: token,
      token_type: "bearer",
      expires_in: this.tokenLifetimeSeconds,
    });
  }

  private async download(
    authorization: string | undefined,
    apiArgHeader: string | string[] | undefined,
    response: ServerResponse,
  ): Promise<void> {
    const apiArg = Array.isArray(apiArgHeader) ? apiArgHeader[0] : apiArgHeader;
    let link = "";
    try {
      link = String((JSON.parse(apiArg ?? "") as { url?: unknown }).url ?? "");
    } catch {
      sendJson(response, 400, {
        error_summary: "Error in call to API function: could not decode Dropbox-API-Arg",
      });
      return;
    }
    this.downloads.push({ link, authorization, apiArg });
    const token = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : "";
    if (!this.validTokens.has(token)) {
      sendJson(response, 401, {
        error_summary: "expired_access_token/",
        error: { ".tag": "expired_access_token" },
      });
      return;
    }
    const target = this.links.get(link);
    if (target === undefined) {
      sendJson(response, 409, {
        error_summary: "shared_link_not_found/",
        error: { ".tag": "shared_link_not_found" },
      });
      return;
    }
    if (target.kind === "status") {
      sendJson(
        response,
        target.status,
        target.body,
        target.retryAfterSeconds === undefined ? {} : { "retry-after": String(target.retryAfterSeconds) },
      );
      return;
    }
    const metadata =
      target.metadataHeader === undefined
        ? JSON.stringify({ ".tag": "file", name: target.name, size: target.size, id: "id:fake" })
        : target.metadataHeader;
    response.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": target.size,
      ...(metadata === null
        ? {}
        : {
            "dropbox-api-result": metadata.replace(
              /[\u007f-\uffff]/g,
              (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
            ),
          }),
    });
    const limit = target.breakAfter ?? target.stallAfter;
    await writeWithBackpressure(
      response,
      limit === undefined ? target.chunks() : truncated(target.chunks(), limit),
    );
    if (target.breakAfter !== undefined) {
      // Give the bytes a moment to leave, then cut the connection as a reset would.
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    if (target.stallAfter !== undefined) return;
    response.end();
  }
}

async function* truncated(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limit: number,
): AsyncIterable<Uint8Array> {
  let sent = 0;
  for await (const chunk of chunks) {
    if (sent >= limit) return;
    const part = chunk.subarray(0, Math.min(chunk.length, limit - sent));
    sent += part.length;
    yield part;
  }
}

/** Serves `bytes` in 64 KiB chunks. */
export const chunksOf = (bytes: Uint8Array, chunkSize = 64 * 1024) =>
  function* (): Iterable<Uint8Array> {
    for (let offset = 0; offset < bytes.length; offset += chunkSize)
      yield bytes.subarray(offset, offset + chunkSize);
  };
