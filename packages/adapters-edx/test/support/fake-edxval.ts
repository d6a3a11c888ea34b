import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EdxEncodedVideo } from "@ovs/domain";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export interface StoredVideo {
  readonly edx_video_id: string;
  client_video_id: string;
  duration: number;
  status: string;
  encoded_videos: Array<EdxEncodedVideo>;
  readonly courses: Array<string>;
}

type Scripted =
  | { readonly status: number; readonly body: string; readonly contentType?: string }
  | { readonly stallMs: number };

export const EDX_CLIENT_ID = "ovs-edx-client";
export const EDX_CLIENT_SECRET = "ovs-edx-secret-do-not-leak";

const PROFILES = new Set([
  "audio_mp3",
  "hls",
  "desktop_mp4",
  "desktop_webm",
  "mobile_high",
  "mobile_low",
  "youtube",
]);

const json = (response: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  response
    .writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    .end(text);
};

/**
 * A local server speaking what OVS uses of Open edX: the DOT token endpoint at
 * `/oauth2/access_token/` (client credentials in the form, `token_type=JWT`) and edxval's
 * videos resource under `<apiRoot>` — POST to the list (400 for a duplicate id, as DRF's
 * unique validator answers), PATCH to `<list><id>` without a trailing slash (encodings
 * replaced, courses only added, `status`/`client_video_id`/`duration` required or a 500,
 * like `VideoSerializer.update`).
 */
export class FakeEdxval {
  readonly requests: Array<RecordedRequest> = [];
  readonly videos = new Map<string, StoredVideo>();
  tokenLifetimeSeconds = 3600;
  private readonly validTokens = new Set<string>();
  private readonly scripted = new Map<string, Array<Scripted>>();
  private tokenSequence = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    /** Where the videos resource lives, e.g. `/api/val/v0/videos/`. */
    private readonly videosPath: string,
  ) {}

  static async start(videosPath = "/api/val/v0/videos/"): Promise<FakeEdxval> {
    const started: { fake?: FakeEdxval } = {};
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        void started.fake?.answer(request, Buffer.concat(chunks).toString("utf8"), response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeEdxval(server, `http://127.0.0.1:${port}`, videosPath);
    started.fake = fake;
    return fake;
  }

  /** The next answers to `kind` requests ("token", "POST", "PATCH") before answering normally. */
  script(kind: "token" | "POST" | "PATCH", ...answers: ReadonlyArray<Scripted>): void {
    this.scripted.set(kind, [...(this.scripted.get(kind) ?? []), ...answers]);
  }

  /** A token obtained elsewhere (another process) that edxval accepts. */
  acceptToken(token: string): void {
    this.validTokens.add(token);
  }

  /** Every token handed out so far stops working (edxval then answers 401). */
  expireTokens(): void {
    this.validTokens.clear();
  }

  requestsOf(kind: "token" | "POST" | "PATCH"): ReadonlyArray<RecordedRequest> {
    return this.requests.filter((request) =>
      kind === "token"
        ? request.path === "/oauth2/access_token/"
        : request.method === kind && request.path !== "/oauth2/access_token/",
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, body: string, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    const path = new URL(request.url ?? "/", this.origin).pathname;
    this.requests.push({ method, path, headers: request.headers, body });
    const kind = path === "/oauth2/access_token/" ? "token" : method;
    const scripted = this.scripted.get(kind)?.shift();
    if (scripted !== undefined) {
      if ("stallMs" in scripted) {
        await new Promise((resolve) => setTimeout(resolve, scripted.stallMs));
        if (!response.destroyed) json(response, 504, { detail: "too late" });
        return;
      }
      response
        .writeHead(scripted.status, { "content-type": scripted.contentType ?? "application/json" })
        .end(scripted.body);
      return;
    }
    if (path === "/oauth2/access_token/" && method === "POST") {
      this.token(new URLSearchParams(body), response);
      return;
    }
    const authorization = request.headers.authorization ?? "";
    if (!authorization.startsWith("JWT ") || !this.validTokens.has(authorization.slice(4))) {
      json(response, 401, { detail: "Authentication credentials were not provided." });
      return;
    }
    if (path === this.videosPath && method === "POST") {
      this.create(body, response);
      return;
    }
    if (path.startsWith(this.videosPath) && !path.endsWith("/") && method === "PATCH") {
      this.update(decodeURIComponent(path.slice(this.videosPath.length)), body, response);
      return;
    }
    json(response, 404, { detail: "Not found." });
  }

  private token(form: URLSearchParams, response: ServerResponse): void {
    if (form.get("client_id") !== EDX_CLIENT_ID || form.get("client_secret") !== EDX_CLIENT_SECRET) {
      json(response, 401, { error: "invalid_client" });
      return;
    }
    if (form.get("grant_type") !== "client_credentials" || form.get("token_type") !== "JWT") {
      json(response, 400, { error: "unsupported_grant_type" });
      return;
    }
    this.tokenSequence += 1;
    const token = `eyJ.fake-jwt-${this.tokenSequence}`;
    this.validTokens.add(token);
    json(response, 200, {
      access_token: token,
      expires_in: this.tokenLifetimeSeconds,
      token_type: "JWT",
      scope: "read write",
    });
  }

  private validEncodings(encodings: unknown): string | undefined {
    if (!Array.isArray(encodings)) return "encoded_videos must be a list";
    const profiles = new Set<string>();
    for (const encoding of encodings as ReadonlyArray<Partial<EdxEncodedVideo>>) {
      if (typeof encoding.profile !== "string" || !PROFILES.has(encoding.profile))
        return "Object with profile_name does not exist.";
      if (profiles.has(encoding.profile)) return "Invalid data: duplicate profiles";
      profiles.add(encoding.profile);
      if (typeof encoding.url !== "string" || encoding.url.length > 200)
        return "url: Ensure this field has no more than 200 characters.";
    }
    return undefined;
  }

  private create(body: string, response: ServerResponse): void {
    const video = JSON.parse(body) as {
      edx_video_id?: string;
      client_video_id?: string;
      duration?: number;
      status?: string;
      encoded_videos?: Array<EdxEncodedVideo>;
      courses?: Array<Record<string, null>>;
    };
    const id = video.edx_video_id ?? "";
    if (this.videos.has(id)) {
      json(response, 400, { edx_video_id: ["Video with this edx video id already exists."] });
      return;
    }
    const invalid = this.validEncodings(video.encoded_videos);
    if (invalid !== undefined) {
      json(response, 400, { non_field_errors: [invalid] });
      return;
    }
    this.videos.set(id, {
      edx_video_id: id,
      client_video_id: video.client_video_id ?? "",
      duration: video.duration ?? 0,
      status: video.status ?? "",
      encoded_videos: [...(video.encoded_videos ?? [])],
      courses: (video.courses ?? []).flatMap((course) => Object.keys(course)),
    });
    json(response, 201, this.videos.get(id));
  }

  private update(id: string, body: string, response: ServerResponse): void {
    const existing = this.videos.get(id);
    if (existing === undefined) {
      json(response, 404, { detail: "Not found." });
      return;
    }
    const changes = JSON.parse(body) as Partial<StoredVideo> & { courses?: Array<Record<string, null>> };
    if (
      changes.status === undefined ||
      changes.client_video_id === undefined ||
      changes.duration === undefined
    ) {
      response.writeHead(500, { "content-type": "text/html" }).end("<h1>Server Error (500)</h1>");
      return;
    }
    const invalid = this.validEncodings(changes.encoded_videos ?? []);
    if (invalid !== undefined) {
      json(response, 400, { non_field_errors: [invalid] });
      return;
    }
    existing.client_video_id = changes.client_video_id;
    existing.duration = changes.duration;
    existing.status = changes.status;
    existing.encoded_videos = [...(changes.encoded_videos ?? [])];
    for (const course of (changes.courses ?? []).flatMap((entry) => Object.keys(entry))) {
      if (!existing.courses.includes(course)) existing.courses.push(course);
    }
    json(response, 200, existing);
  }
}
