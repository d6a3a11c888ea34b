import type {
  AwsClientSettings,
  CloudFrontInvalidatorSettings,
  CloudFrontUrlsSettings,
  MediaConvertClientSettings,
  MediaConvertEventSettings,
  MediaConvertJobSettings,
  S3ClientSettings,
  S3ObjectStoreSettingsInput,
  SnsMessageVerifierSettings,
} from "@ovs/adapters-aws";
import type { EdxvalVideoApiSettingsInput } from "@ovs/adapters-edx";
import type {
  DropboxVideoSourceSettingsInput,
  KeycloakGroupDirectorySettingsInput,
  KeycloakSignInSettingsInput,
  MailgunMailerSettingsInput,
  UrlVideoSourceSettingsInput,
} from "@ovs/adapters-http";
import type { DomainSettings } from "@ovs/domain";
import type { Duration, Redacted } from "effect";
import type { ConfigVariable } from "./env-reader.js";
import type { WorkersConfig } from "./worker-settings.js";

/** `OVS_PROFILE`: which adapters serve the ports (docs/architecture.md §4). */
export const PROFILES = ["local", "aws", "test"] as const;
export type Profile = (typeof PROFILES)[number];

export interface SessionConfig {
  /** `OVS_SESSION_IDLE_SECONDS`: a session not used for this long ends. */
  readonly idleLifetime: Duration.Duration;
  /** `OVS_SESSION_ABSOLUTE_SECONDS`: a session ends this long after sign-in, however much it is used. */
  readonly absoluteLifetime: Duration.Duration;
}

/** How protected videos' grants are made and handed out (docs/architecture.md §5.6). */
export interface PlaybackConfig {
  /**
   * `OVS_PLAYBACK_GRANT_SECONDS`: how long a grant lasts at least, counted from the end of its
   * window; long enough for a lecture watched in one sitting, and players refresh it before it ends.
   */
  readonly grantLifetime: Duration.Duration;
  /** `OVS_CDN_SIGNATURE_WINDOW_SECONDS`: grants asked for within one window share one signature. */
  readonly grantWindow: Duration.Duration;
  /** `OVS_PLAYBACK_SIGNED_COOKIES`: the playback endpoint also sets the grant as CDN cookies. */
  readonly signedCookies: boolean;
  /**
   * `OVS_PLAYBACK_COOKIE_DOMAIN`: the cookies' `Domain`, shared by the app and the CDN (such as
   * `video.example.edu` for `cdn.video.example.edu`); null sets host-only cookies, which a CDN on
   * the app's own host (another port, as in the `local` profile) receives too.
   */
  readonly cookieDomain: string | null;
}

/** The SDK clients' settings; CloudFront's API lives in us-east-1 whatever the region. */
export interface AwsClientsConfig {
  readonly s3: S3ClientSettings;
  readonly mediaConvert: MediaConvertClientSettings;
  readonly cloudFront: Omit<AwsClientSettings, "region">;
}

/**
 * The settings of every adapter of the `aws` profile, each in the form its constructor or
 * `make…Settings` takes. Runtime collaborators (clocks, fetchers) are the composition's to add.
 */
export interface AwsAdaptersConfig {
  readonly clients: AwsClientsConfig;
  readonly s3ObjectStore: S3ObjectStoreSettingsInput;
  readonly mediaConvert: MediaConvertJobSettings;
  readonly mediaConvertEvents: MediaConvertEventSettings;
  /** The grant's lifetime and window come from `PlaybackConfig`. */
  readonly cloudFrontUrls: Omit<CloudFrontUrlsSettings, "clock" | "ttl" | "window">;
  readonly cloudFrontInvalidator: CloudFrontInvalidatorSettings;
  readonly snsVerifier: Pick<SnsMessageVerifierSettings, "region" | "topicArn">;
  /** `OVS_TRANSCODE_WEBHOOK_SECRET`: the shared secret a raw EventBridge body must carry (docs/architecture.md §6.1). */
  readonly transcodeWebhookSecret: Redacted.Redacted<string>;
  readonly dropbox: DropboxVideoSourceSettingsInput;
  readonly urlSource: UrlVideoSourceSettingsInput;
  readonly keycloakSignIn: KeycloakSignInSettingsInput;
  readonly keycloakGroups: KeycloakGroupDirectorySettingsInput;
  readonly mailgun: MailgunMailerSettingsInput;
  readonly edx: EdxvalVideoApiSettingsInput;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface CommonConfig {
  /** `PORT`: where the HTTP server listens. */
  readonly port: number;
  /** `ODL_VIDEO_BASE_URL`: the public address, without a trailing slash. */
  readonly baseUrl: string;
  /** `OVS_SECRET_KEY`: signs sessions and CSRF tokens. */
  readonly secretKey: Redacted.Redacted<string>;
  /** `OVS_DATA_DIR`: the local profile's database and storage live under it. */
  readonly dataDir: string;
  /** `DATABASE_URL`: a Postgres server; null means PGlite under `dataDir`. Redacted: it may hold a password. */
  readonly databaseUrl: Redacted.Redacted<string> | null;
  /** `OVS_MAX_UPLOAD_BYTES`: the largest video accepted by direct upload. */
  readonly maxUploadBytes: number;
  readonly session: SessionConfig;
  readonly playback: PlaybackConfig;
  readonly domain: DomainSettings;
  /** `OVS_WORKERS_<QUEUE>` and `OVS_SCHEDULE_<NAME>_CRON`: the worker role's concurrency and schedules. */
  readonly workers: WorkersConfig;
  /** `OVS_LOG_LEVEL`: the least severe log line written. */
  readonly logLevel: LogLevel;
  /** `OVS_METRICS_TOKEN`: the bearer token `/metrics` requires; null leaves it open. */
  readonly metricsToken: Redacted.Redacted<string> | null;
  /** Every variable read, in report order, with where its value came from; secrets masked. */
  readonly variables: ReadonlyArray<ConfigVariable>;
}

/** The settings of the `local` profile's own adapters; everything else is the shared settings'. */
export interface LocalAdaptersConfig {
  /** `OVS_CDN_PORT`: where the local CDN listens; `PORT`+1 by default. */
  readonly cdnPort: number;
  /** `OVS_FFMPEG_PATH`: an ffmpeg to use instead of the bundled one. */
  readonly ffmpegPath: string | null;
  /** `OVS_TRANSCODE_CONCURRENCY`: ffmpeg runs at once. */
  readonly transcodeConcurrency: number;
  /** `OVS_TRANSCODE_TIMEOUT_SECONDS`: an ffmpeg run that takes longer fails. */
  readonly transcodeTimeout: Duration.Duration;
  readonly urlSource: UrlVideoSourceSettingsInput;
  readonly edx: EdxvalVideoApiSettingsInput;
}

/** What the program runs with, read once at start and valid throughout (docs/architecture.md §4). */
export type AppConfig =
  | (CommonConfig & { readonly profile: "aws"; readonly aws: AwsAdaptersConfig; readonly local: null })
  | (CommonConfig & { readonly profile: "local"; readonly aws: null; readonly local: LocalAdaptersConfig })
  | (CommonConfig & { readonly profile: "test"; readonly aws: null; readonly local: null });
