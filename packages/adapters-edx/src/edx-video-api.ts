import type { Clock, EdxEndpoint, EdxPostResult, EdxVideoApi, EdxVideoPayload } from "@ovs/domain";
import { EdxFailure, edxTokenUrl, edxVideoUpdatePayload, edxVideosUrl, edxVideoUrl } from "@ovs/domain";
import { Duration, Effect, Redacted, Schedule, Schema } from "effect";

/** A bound on a request: more than nothing, and not forever. */
const RequestTimeout = Schema.DurationFromSelf.pipe(
  Schema.filter(
    (duration) =>
      (Duration.isFinite(duration) && Duration.greaterThan(duration, Duration.zero)) ||
      "must be a finite duration greater than zero",
  ),
);

/** Settings of the edxval client; the root README lists the environment names the app reads. */
export const EdxvalVideoApiSettings = Schema.Struct({
  /** Each request to edX, body included; 30 s by default (upstream had none). */
  requestTimeout: Schema.optionalWith(RequestTimeout, { exact: true, default: () => Duration.seconds(30) }),
  /** Tries per request when edX answers 5xx, 408 or 429, times out or cannot be reached; 3 by default. */
  maxAttempts: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { exact: true, default: () => 3 }),
  /** First backoff between tries; it doubles each time, with jitter. 1 s by default. */
  retryBaseDelay: Schema.optionalWith(Schema.DurationFromSelf, {
    exact: true,
    default: () => Duration.seconds(1),
  }),
  /** Longest backoff; 30 s by default. */
  retryMaxDelay: Schema.optionalWith(Schema.DurationFromSelf, {
    exact: true,
    default: () => Duration.seconds(30),
  }),
  /** A token is renewed this long before it expires; 60 s by default. */
  tokenRefreshMargin: Schema.optionalWith(Schema.DurationFromSelf, {
    exact: true,
    default: () => Duration.seconds(60),
  }),
}).annotations({ identifier: "EdxvalVideoApiSettings" });

export type EdxvalVideoApiSettings = typeof EdxvalVideoApiSettings.Type;
/** The settings as the app gives them: every field may be left out for its default. */
export type EdxvalVideoApiSettingsInput = typeof EdxvalVideoApiSettings.Encoded;

/**
 * Checks the settings and fills in the defaults; throws a `ParseError` naming every field that
 * is wrong, so a bad configuration stops the start rather than the first post.
 */
export const makeEdxvalVideoApiSettings: (input: EdxvalVideoApiSettingsInput) => EdxvalVideoApiSettings =
  Schema.decodeSync(EdxvalVideoApiSettings, { errors: "all" });

/**
 * Called with every token obtained, so the app can keep it on the endpoint row
 * (`accessToken`, `accessTokenExpiresAt`) for other processes. A failure here is ignored: the
 * token is good whether or not it was stored.
 */
export type EdxTokenIssued = (
  endpoint: EdxEndpoint,
  token: { readonly accessToken: Redacted.Redacted<string>; readonly expiresAt: Date },
) => void | Promise<void>;

interface CachedToken {
  readonly value: string;
  readonly expiresAt: number;
}

interface EdxAnswer {
  readonly status: number;
  readonly body: string;
}

/** Bodies kept in a `Rejected` result are cut to this many characters. */
const MAX_KEPT_BODY = 10_000;

const isTransientStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** An answer edX will give again if asked again: reported, not retried. */
const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/**
 * What a failed request is worth telling: timeouts, refused or reset connections are transient
 * (upstream's `RequestException` family); the text never contains tokens or secrets.
 */
const transportFailure = (endpoint: string, error: unknown, doing: string): EdxFailure => {
  if (error instanceof EdxFailure) return error;
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new EdxFailure({ endpoint, transient: true, reason: `${doing} timed out` });
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const detail =
    code ??
    (typeof cause?.message === "string"
      ? cause.message
      : error instanceof Error
        ? error.message
        : String(error));
  return new EdxFailure({ endpoint, transient: true, reason: `${doing} failed: ${detail}` });
};

/** Upstream logs HTML error pages as "(HTML body ignored)"; anything else is kept, shortened. */
const keptBody = (contentType: string | null, text: string): string =>
  contentType?.toLowerCase().includes("text/html") === true
    ? "(HTML body ignored)"
    : text.slice(0, MAX_KEPT_BODY);

/** The OAuth error code of a token-endpoint answer, never the rest of it. */
const oauthErrorOf = (text: string): string => {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === "string") return ` (${parsed.error})`;
  } catch {
    // Not JSON: say nothing more.
  }
  return "";
};

/**
 * The edxval video API (docs/upstream.md §9, docs/architecture.md §6.10). A JWT is
 * obtained by client credentials at `<base>/oauth2/access_token/` (`token_type=JWT`, secret in
 * the form), reused until a minute before it expires and shared by concurrent callers; the
 * video is POSTed to the videos URL with `Authorization: JWT <token>`. edxval answers 400 to a
 * duplicate `edx_video_id`, so a 400 is followed by a PATCH of the video with every encoding
 * (edxval replaces encodings with those sent) and no courses; a PATCH answered 404 means the
 * video never existed, and the POST's 400 was about the body: that 400 is reported. 5xx, 408,
 * 429, timeouts and connection failures are retried with exponential backoff, then reported
 * as a transient `EdxFailure`; a 401 renews the token once. Other answers are `Rejected` with
 * the body. Nothing is logged; secrets and tokens never appear in results or errors.
 */
export class EdxvalVideoApi implements EdxVideoApi {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly refreshing = new Map<string, Promise<CachedToken>>();
  private readonly requestTimeoutMs: number;
  private readonly marginMs: number;
  private readonly retrySchedule: Schedule.Schedule<unknown, EdxFailure>;

  /** `clock` dates tokens (their expiry is a date, shared with other processes through the endpoint row). */
  constructor(
    settings: EdxvalVideoApiSettings,
    private readonly clock: Clock,
    private readonly onTokenIssued?: EdxTokenIssued,
  ) {
    this.requestTimeoutMs = Duration.toMillis(settings.requestTimeout);
    this.marginMs = Duration.toMillis(settings.tokenRefreshMargin);
    this.retrySchedule = Schedule.exponential(settings.retryBaseDelay).pipe(
      Schedule.jittered,
      Schedule.modifyDelay((_, delay) => Duration.min(delay, settings.retryMaxDelay)),
      Schedule.intersect(Schedule.recurs(settings.maxAttempts - 1)),
      Schedule.whileInput((failure: EdxFailure) => failure.transient),
    );
  }

  postVideo(endpoint: EdxEndpoint, payload: EdxVideoPayload): Effect.Effect<EdxPostResult, EdxFailure> {
    const videosUrl = edxVideosUrl(endpoint);
    return Effect.gen(this, function* () {
      const created = yield* this.withRetries(videosUrl, () =>
        this.send(endpoint, "POST", videosUrl, payload),
      );
      if (isSuccess(created.status)) return { _tag: "Created", status: created.status } as const;
      if (created.status !== 400)
        return { _tag: "Rejected", status: created.status, body: created.body } as const;

      const videoUrl = edxVideoUrl(endpoint, payload.edx_video_id);
      const updated = yield* this.withRetries(videosUrl, () =>
        this.send(endpoint, "PATCH", videoUrl, edxVideoUpdatePayload(payload)),
      );
      if (isSuccess(updated.status)) return { _tag: "Updated", status: updated.status } as const;
      if (updated.status === 404)
        return { _tag: "Rejected", status: created.status, body: created.body } as const;
      return { _tag: "Rejected", status: updated.status, body: updated.body } as const;
    });
  }

  /** Runs `request` again after transient failures (token requests included), with backoff. */
  private withRetries(
    videosUrl: string,
    request: () => Promise<EdxAnswer>,
  ): Effect.Effect<EdxAnswer, EdxFailure> {
    return Effect.tryPromise({
      try: request,
      catch: (error) => transportFailure(videosUrl, error, "the request"),
    }).pipe(Effect.retry(this.retrySchedule));
  }

  /** One request with a token; a 401 renews the token and asks once more. Transient answers throw. */
  private async send(
    endpoint: EdxEndpoint,
    method: "POST" | "PATCH",
    url: string,
    body: unknown,
  ): Promise<EdxAnswer> {
    let token = await this.token(endpoint);
    const label = edxVideosUrl(endpoint);
    let answer = await this.request(label, url, method, token, body);
    if (answer.status === 401) {
      token = await this.token(endpoint, token);
      answer = await this.request(label, url, method, token, body);
    }
    if (isTransientStatus(answer.status)) {
      throw new EdxFailure({
        endpoint: label,
        transient: true,
        reason: `edX answered ${answer.status} to ${method} ${url}`,
      });
    }
    return answer;
  }

  private async request(
    label: string,
    url: string,
    method: string,
    token: string,
    body: unknown,
  ): Promise<EdxAnswer> {
    try {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `JWT ${token}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      return {
        status: response.status,
        body: keptBody(response.headers.get("content-type"), await response.text()),
      };
    } catch (error) {
      throw transportFailure(label, error, `${method} ${url}`);
    }
  }

  /**
   * A token usable for at least the margin: the one this process holds, else the one stored on
   * the endpoint row, else a new one — one request per endpoint at a time. `rejected` is a token
   * edX refused: it is forgotten wherever it came from.
   */
  private async token(endpoint: EdxEndpoint, rejected?: string): Promise<string> {
    const key = `${edxTokenUrl(endpoint)}\n${Redacted.value(endpoint.clientId)}`;
    const usable = (candidate: CachedToken | undefined): candidate is CachedToken =>
      candidate !== undefined &&
      candidate.value !== rejected &&
      this.clock.now().getTime() < candidate.expiresAt - this.marginMs;

    const held = this.tokens.get(key);
    if (usable(held)) return held.value;
    const stored =
      endpoint.accessToken === null || endpoint.accessTokenExpiresAt === null
        ? undefined
        : { value: Redacted.value(endpoint.accessToken), expiresAt: endpoint.accessTokenExpiresAt.getTime() };
    if (usable(stored)) return stored.value;

    const inFlight = this.refreshing.get(key);
    if (inFlight !== undefined) {
      const shared = await inFlight;
      if (shared.value !== rejected) return shared.value;
    }
    const refreshing = this.issueToken(endpoint).finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, refreshing);
    const issued = await refreshing;
    this.tokens.set(key, issued);
    return issued.value;
  }

  /** Transient failures here are retried with the request that needed the token. */
  private async issueToken(endpoint: EdxEndpoint): Promise<CachedToken> {
    const token = await this.requestToken(endpoint);
    if (this.onTokenIssued !== undefined) {
      try {
        await this.onTokenIssued(endpoint, {
          accessToken: Redacted.make(token.value),
          expiresAt: new Date(token.expiresAt),
        });
      } catch {
        // Storing the token is a convenience for other processes; this one has it already.
      }
    }
    return token;
  }

  private async requestToken(endpoint: EdxEndpoint): Promise<CachedToken> {
    const url = edxTokenUrl(endpoint);
    const label = edxVideosUrl(endpoint);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: Redacted.value(endpoint.clientId),
          client_secret: Redacted.value(endpoint.secretKey),
          token_type: "JWT",
        }).toString(),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw transportFailure(label, error, `the token request to ${url}`);
    }
    if (!isSuccess(response.status)) {
      throw new EdxFailure({
        endpoint: label,
        transient: isTransientStatus(response.status),
        reason: `the token endpoint answered ${response.status}${oauthErrorOf(text)}`,
      });
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new EdxFailure({
        endpoint: label,
        transient: false,
        reason: "the token endpoint answered something that is not JSON",
      });
    }
    if (typeof parsed.access_token !== "string" || parsed.access_token === "") {
      throw new EdxFailure({
        endpoint: label,
        transient: false,
        reason: "the token endpoint gave no access_token",
      });
    }
    const lifetimeSeconds =
      typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : 0;
    return { value: parsed.access_token, expiresAt: this.clock.now().getTime() + lifetimeSeconds * 1000 };
  }
}
