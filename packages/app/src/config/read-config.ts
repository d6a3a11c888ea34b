import { randomBytes } from "node:crypto";
import {
  DEFAULT_COPY_CONCURRENCY,
  DEFAULT_COPY_PART_SIZE_BYTES,
  DEFAULT_PART_SIZE_BYTES,
  DEFAULT_QUEUE_SIZE,
  S3_COPY_OBJECT_LIMIT_BYTES,
  S3ObjectStoreSettings,
} from "@ovs/adapters-aws";
import type { AwsClientSettings } from "@ovs/adapters-aws";
import { EdxvalVideoApiSettings } from "@ovs/adapters-edx";
import {
  DEFAULT_DROPBOX_CONTENT_API_URL,
  DEFAULT_DROPBOX_TOKEN_URL,
  DropboxVideoSourceSettings,
  KeycloakGroupDirectorySettings,
  KeycloakSignInSettings,
  MailgunMailerSettings,
  UrlVideoSourceSettings,
} from "@ovs/adapters-http";
import { MAX_RETRY_DELAY_SECONDS } from "@ovs/domain";
import type { DomainSettings } from "@ovs/domain";
import { Data, Duration, Either, Option, ParseResult, Schema } from "effect";
import type { AppConfig, AwsAdaptersConfig, LocalAdaptersConfig, PlaybackConfig } from "./app-config.js";
import { LOG_LEVELS, PROFILES } from "./app-config.js";
import { EnvReader } from "./env-reader.js";
import { readWorkers } from "./worker-settings.js";
import type { Env } from "./env-reader.js";
import type { EnvValue } from "./env-value.js";
import {
  awsAccountId,
  awsRegion,
  baseUrl as baseUrlValue,
  boolean,
  bucketName,
  bytes,
  cdnBaseUrl,
  cidrList,
  cloudFrontDistribution,
  email,
  integer,
  mebibytes,
  oneOf,
  postgresUrl,
  rsaPrivateKey,
  secondsAsMillis,
  secret,
  seconds,
  snsTopicArn,
  text,
  url,
} from "./env-value.js";

/**
 * The configuration cannot be used: one line per problem, each naming its variable (or
 * variables) and what is expected. Values of secrets are never quoted.
 */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly problems: ReadonlyArray<string>;
}> {
  override get message(): string {
    return this.problems.join("\n");
  }
}

const MEBIBYTE = 1024 * 1024;
const HOUR = 60 * 60;
const DAY = 24 * HOUR;

/** Room for a long lecture recorded at a high bitrate; a larger file is more likely a mistake. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * MEBIBYTE;
/** Signing and session secrets shorter than this are guessable. */
export const MIN_SECRET_KEY_LENGTH = 32;

/** `{ [key]: value }` when set, `{}` otherwise: with exact optional properties an unset field must be absent. */
const ifSet = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

const both = <A, B>(a: Option.Option<A>, b: Option.Option<B>, check: (a: A, b: B) => void): void => {
  if (Option.isSome(a) && Option.isSome(b)) check(a.value, b.value);
};

interface Readers {
  readonly r: EnvReader;
  /** Required in the current profile. */
  readonly need: <A>(name: string, value: EnvValue<A>) => Option.Option<A>;
}

/**
 * The adapters check their settings again in `make…Settings`, which would throw at composition
 * time. Running their schemas here turns any disagreement (a rule added to an adapter and not
 * here) into a line of this report, under the variable that feeds the field.
 */
const checkWithAdapter = <A, I>(
  r: EnvReader,
  adapter: string,
  schema: Schema.Schema<A, I>,
  input: I,
  variableOf: Readonly<Record<string, string>>,
): void => {
  const checked = Schema.decodeEither(schema, { errors: "all" })(input);
  if (Either.isRight(checked)) return;
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(checked.left)) {
    const field = String(issue.path[0] ?? "");
    r.problem(`${variableOf[field] ?? adapter}: not accepted by the ${adapter} settings: ${issue.message}`);
  }
};

const readDomain = (
  { r }: Readers,
  awsOr: <A>(name: string, value: EnvValue<A>, localDefault: string) => Option.Option<A>,
  baseUrl: Option.Option<string>,
): Option.Option<DomainSettings> => {
  const buckets = Option.all({
    upload: awsOr("VIDEO_S3_BUCKET", bucketName(), "ovs-uploads"),
    transcode: awsOr("VIDEO_S3_TRANSCODE_BUCKET", bucketName(), "ovs-transcoded"),
    thumbnail: awsOr("VIDEO_S3_THUMBNAIL_BUCKET", bucketName(), "ovs-thumbnails"),
    subtitle: awsOr("VIDEO_S3_SUBTITLE_BUCKET", bucketName(), "ovs-subtitles"),
    watch: awsOr("VIDEO_S3_WATCH_BUCKET", bucketName(), "ovs-watch"),
  });
  const supportEmail = awsOr("ODL_VIDEO_SUPPORT_EMAIL", email(), "support@example.com");
  const lectureCaptureUsername = awsOr(
    "LECTURE_CAPTURE_USER",
    text("the username of the lecture-capture collections' owner"),
    "lecture-capture@example.edu",
  );
  const unsortedCollectionSlug = r.withDefault("UNSORTED_COLLECTION", text("a collection name"), "Unsorted");
  const watchBucketArchivePrefix = r.optional(
    "OVS_WATCH_BUCKET_ARCHIVE_PREFIX",
    text("a key prefix that does not start with a slash, such as archive/", /^[^/]/),
    "ingested sources are deleted",
  );

  const leaseTtl = r.withDefault("OVS_INGEST_LEASE_TTL_SECONDS", seconds(1), "120");
  // The heartbeat also renews the lease: with several beats per lease, one late renewal is harmless.
  const heartbeatInterval = r.withDefault("OVS_INGEST_HEARTBEAT_SECONDS", seconds(1), "30");
  const stuckThreshold = r.withDefault("OVS_STUCK_UPLOAD_THRESHOLD_SECONDS", seconds(1), String(2 * HOUR));
  both(leaseTtl, heartbeatInterval, (lease, heartbeat) => {
    if (!Duration.greaterThan(lease, heartbeat)) {
      r.problem(
        `OVS_INGEST_LEASE_TTL_SECONDS: expected more than OVS_INGEST_HEARTBEAT_SECONDS (${Duration.toSeconds(heartbeat)}), ` +
          `got ${Duration.toSeconds(lease)}: the heartbeat renews the lease, which would lapse between two beats`,
      );
    }
  });
  // Between two ingest attempts a video stays `Uploading` with no heartbeat for up to the
  // longest retry delay, after its last lease ran out: the janitor must not fail it meanwhile.
  both(stuckThreshold, leaseTtl, (stuck, lease) => {
    const floor = MAX_RETRY_DELAY_SECONDS + Duration.toSeconds(lease);
    if (!(Duration.toSeconds(stuck) > floor)) {
      r.problem(
        `OVS_STUCK_UPLOAD_THRESHOLD_SECONDS: expected more than ${MAX_RETRY_DELAY_SECONDS} plus ` +
          `OVS_INGEST_LEASE_TTL_SECONDS (${Duration.toSeconds(lease)}), so more than ${floor}, got ${Duration.toSeconds(stuck)}: ` +
          "an upload waiting for its retry would be failed as stuck",
      );
    }
  });

  const reconcileAfter = r.withDefault("OVS_TRANSCODE_RECONCILE_AFTER_SECONDS", seconds(1), String(30 * 60));
  const resubmitLimit = r.withDefault("OVS_TRANSCODE_RESUBMIT_LIMIT", integer(0, 10), "2");
  const thumbnailMaxBytes = r.withDefault("THUMBNAIL_UPLOAD_MAX_SIZE", bytes(), String(MEBIBYTE));
  const retranscodeEnabled = r.withDefault("FEATURE_RETRANSCODE_ENABLED", boolean(), "false");

  return Option.all({
    buckets,
    baseUrl,
    supportEmail,
    lectureCaptureUsername,
    unsortedCollectionSlug,
    watchBucketArchivePrefix,
    leaseTtl,
    heartbeatInterval,
    stuckThreshold,
    reconcileAfter,
    resubmitLimit,
    thumbnailMaxBytes,
    retranscodeEnabled,
  }).pipe(
    Option.map((read): DomainSettings => ({
      buckets: read.buckets,
      baseUrl: read.baseUrl,
      supportEmail: read.supportEmail,
      lectureCaptureUsername: read.lectureCaptureUsername,
      unsortedCollectionSlug: read.unsortedCollectionSlug,
      watchBucketArchivePrefix: read.watchBucketArchivePrefix ?? null,
      ingest: {
        leaseTtl: read.leaseTtl,
        heartbeatInterval: read.heartbeatInterval,
        stuckThreshold: read.stuckThreshold,
      },
      transcode: { reconcileAfter: read.reconcileAfter, resubmitLimit: read.resubmitLimit },
      thumbnails: { maxUploadBytes: read.thumbnailMaxBytes },
      retranscodeEnabled: read.retranscodeEnabled,
    })),
  );
};

const readAwsClients = ({ r, need }: Readers) => {
  const region = need("AWS_REGION", awsRegion());
  const chain = "the SDK's default credential chain";
  const accessKeyId = r.optional(
    "AWS_ACCESS_KEY_ID",
    text("an access key id without blanks", /^\S+$/),
    chain,
  );
  const secretAccessKey = r.optional("AWS_SECRET_ACCESS_KEY", secret(), chain);
  const sessionToken = r.optional("AWS_SESSION_TOKEN", secret(), "none");
  const keys = Option.all([accessKeyId, secretAccessKey, sessionToken]);
  if (Option.isSome(keys)) {
    const [id, key, token] = keys.value;
    if ((id === undefined) !== (key === undefined)) {
      r.problem(
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: expected both or neither (neither uses the SDK's default credential chain)",
      );
    } else if (token !== undefined && id === undefined) {
      r.problem("AWS_SESSION_TOKEN: expected only with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
  }
  const maxAttempts = r.optional("OVS_AWS_MAX_ATTEMPTS", integer(1, 20), "the SDK's (3)");
  const connectionTimeoutMillis = r.optional(
    "OVS_AWS_CONNECT_TIMEOUT_SECONDS",
    secondsAsMillis(),
    "the SDK's",
  );
  const socketTimeoutMillis = r.optional("OVS_AWS_SOCKET_TIMEOUT_SECONDS", secondsAsMillis(), "the SDK's");
  const s3Endpoint = r.optional("OVS_S3_ENDPOINT_URL", url("http(s)", "http://127.0.0.1:9000"), "AWS's");
  const forcePathStyle = r.withDefault("OVS_S3_FORCE_PATH_STYLE", boolean(), "false");
  const checksums = r.optional(
    "OVS_S3_CHECKSUMS",
    oneOf("WHEN_SUPPORTED", "WHEN_REQUIRED"),
    "the SDK's (WHEN_SUPPORTED)",
  );
  const mediaConvertEndpoint = r.optional(
    "VIDEO_S3_TRANSCODE_ENDPOINT",
    url("https", "https://abcd1234.mediaconvert.us-east-1.amazonaws.com"),
    "the regional endpoint",
  );
  return Option.all({
    region,
    accessKeyId,
    secretAccessKey,
    sessionToken,
    maxAttempts,
    connectionTimeoutMillis,
    socketTimeoutMillis,
    s3Endpoint,
    forcePathStyle,
    checksums,
    mediaConvertEndpoint,
  }).pipe(
    Option.map((read) => {
      const common: Omit<AwsClientSettings, "region"> = {
        ...(read.accessKeyId === undefined || read.secretAccessKey === undefined
          ? {}
          : {
              credentials: {
                accessKeyId: read.accessKeyId,
                secretAccessKey: read.secretAccessKey,
                ...ifSet("sessionToken", read.sessionToken),
              },
            }),
        ...ifSet("maxAttempts", read.maxAttempts),
        ...ifSet("connectionTimeoutMillis", read.connectionTimeoutMillis),
        ...ifSet("socketTimeoutMillis", read.socketTimeoutMillis),
      };
      return {
        region: read.region,
        clients: {
          s3: {
            ...common,
            region: read.region,
            ...ifSet("endpoint", read.s3Endpoint),
            forcePathStyle: read.forcePathStyle,
            ...ifSet("checksums", read.checksums),
          },
          mediaConvert: { ...common, region: read.region, ...ifSet("endpoint", read.mediaConvertEndpoint) },
          cloudFront: common,
        },
      };
    }),
  );
};

const readS3ObjectStore = ({ r }: Readers) =>
  Option.all({
    partSizeBytes: r.withDefault(
      "AWS_S3_UPLOAD_MULTIPART_CHUNKSIZE_MB",
      mebibytes(5, 5120),
      String(DEFAULT_PART_SIZE_BYTES / MEBIBYTE),
    ),
    queueSize: r.withDefault("AWS_S3_UPLOAD_MAX_CONCURRENCY", integer(1, 100), String(DEFAULT_QUEUE_SIZE)),
    multipartCopyThresholdBytes: r.withDefault(
      "OVS_S3_MULTIPART_COPY_THRESHOLD_MB",
      mebibytes(1, 5120),
      String(S3_COPY_OBJECT_LIMIT_BYTES / MEBIBYTE),
    ),
    copyPartSizeBytes: r.withDefault(
      "OVS_S3_COPY_PART_SIZE_MB",
      mebibytes(5, 5120),
      String(DEFAULT_COPY_PART_SIZE_BYTES / MEBIBYTE),
    ),
    copyConcurrency: r.withDefault(
      "OVS_S3_COPY_CONCURRENCY",
      integer(1, 100),
      String(DEFAULT_COPY_CONCURRENCY),
    ),
    abortGrace: r.withDefault("OVS_S3_ABORT_GRACE_SECONDS", seconds(0), "30"),
  });

const readMediaConvert = ({ need }: Readers) =>
  Option.all({
    accountId: need("AWS_ACCOUNT_ID", awsAccountId()),
    roleName: need("AWS_ROLE_NAME", text("an IAM role name", /^[\w+=,.@-]{1,64}$/)),
    queueName: need(
      "VIDEO_TRANSCODE_QUEUE",
      text("a MediaConvert queue name such as Default", /^[A-Za-z0-9_-]{1,128}$/),
    ),
  });

const readCloudFront = ({ r, need }: Readers) => {
  const distribution = r.optional(
    "VIDEO_CLOUDFRONT_DIST",
    cloudFrontDistribution(),
    "the host of VIDEO_CLOUDFRONT_BASE_URL is used",
  );
  const customBase = r.optional(
    "VIDEO_CLOUDFRONT_BASE_URL",
    cdnBaseUrl(),
    "https://<VIDEO_CLOUDFRONT_DIST>.cloudfront.net/",
  );
  // A custom domain in front of the distribution is what viewers reach, so it wins.
  const host = Option.all([distribution, customBase]).pipe(
    Option.flatMap(([dist, custom]) => {
      const chosen = custom ?? dist;
      if (chosen === undefined) {
        r.problem(
          "VIDEO_CLOUDFRONT_DIST: missing, expected a CloudFront distribution's subdomain such as d111111abcdef8, " +
            "or VIDEO_CLOUDFRONT_BASE_URL (one is required in the aws profile)",
        );
      }
      return Option.fromNullable(chosen);
    }),
  );
  const cloudFrontUrls = Option.all({
    host,
    keyPairId: need(
      "CLOUDFRONT_KEY_ID",
      text("a CloudFront public key id such as K2JCJMDEHXQW5F", /^[A-Z0-9]{1,64}$/),
    ),
    privateKey: need("CLOUDFRONT_PRIVATE_KEY", rsaPrivateKey()),
    algorithm: r.withDefault("OVS_CDN_SIGNATURE_ALGORITHM", oneOf("SHA1", "SHA256"), "SHA1"),
  });
  const cloudFrontInvalidator = Option.all({
    distributionId: need(
      "VIDEO_CDN_DISTRIBUTION_ID",
      text("a CloudFront distribution id such as E2QWRUHAPOMQZL", /^[A-Z0-9]{1,64}$/),
    ),
  });
  return Option.all({ cloudFrontUrls, cloudFrontInvalidator });
};

const readTranscodeWebhook = ({ r, need }: Readers, region: Option.Option<string>) => {
  const topic = need("OVS_TRANSCODE_SNS_TOPIC_ARN", snsTopicArn());
  // The verifier trusts certificates from `sns.<AWS_REGION>` only: a topic elsewhere would have
  // every message refused.
  both(topic, region, (arn, awsRegion) => {
    if (arn.region !== awsRegion) {
      r.problem(
        `OVS_TRANSCODE_SNS_TOPIC_ARN: expected a topic in AWS_REGION (${awsRegion}), got one in ${arn.region}`,
      );
    }
  });
  return Option.all({
    topicArn: Option.map(topic, (arn) => arn.arn),
    webhookSecret: need("OVS_TRANSCODE_WEBHOOK_SECRET", secret(MIN_SECRET_KEY_LENGTH)),
  });
};

const readDropbox = ({ r, need }: Readers) =>
  Option.all({
    appKey: need("DROPBOX_KEY", text("a Dropbox app key without blanks", /^\S+$/)),
    appSecret: need("DROPBOX_SECRET", secret()),
    refreshToken: need("DROPBOX_REFRESH_TOKEN", secret()),
    tokenUrl: r.withDefault(
      "OVS_DROPBOX_TOKEN_URL",
      url("http(s)", DEFAULT_DROPBOX_TOKEN_URL),
      DEFAULT_DROPBOX_TOKEN_URL,
    ),
    contentApiUrl: r.withDefault(
      "OVS_DROPBOX_CONTENT_API_URL",
      url("http(s)", DEFAULT_DROPBOX_CONTENT_API_URL),
      DEFAULT_DROPBOX_CONTENT_API_URL,
    ),
    tokenTimeout: r.withDefault("OVS_DROPBOX_TOKEN_TIMEOUT_SECONDS", seconds(1), "30"),
    connectTimeout: r.withDefault("OVS_DROPBOX_CONNECT_TIMEOUT_SECONDS", seconds(1), "60"),
    idleReadTimeout: r.withDefault("OVS_DROPBOX_READ_TIMEOUT_SECONDS", seconds(1), "300"),
    tokenRefreshMargin: r.withDefault("OVS_DROPBOX_TOKEN_REFRESH_MARGIN_SECONDS", seconds(0), "300"),
    maxBytes: r.optional("OVS_DROPBOX_MAX_BYTES", bytes(), "no limit"),
  });

const readUrlSource = ({ r }: Readers, maxUploadBytes: Option.Option<number>) =>
  Option.all({
    // The adapter has no default; a file fetched from a URL is held to the direct-upload limit
    // unless told otherwise.
    maxBytes: Option.flatMap(maxUploadBytes, (limit) =>
      r.withDefault("OVS_URL_SOURCE_MAX_BYTES", bytes(), String(limit)),
    ),
    allowHttp: r.withDefault("OVS_URL_SOURCE_ALLOW_HTTP", boolean(), "false"),
    allowedAddressRanges: r.optional("OVS_URL_SOURCE_ALLOWED_RANGES", cidrList(), "public addresses only"),
    maxRedirects: r.withDefault("OVS_URL_SOURCE_MAX_REDIRECTS", integer(0, 20), "5"),
    connectTimeout: r.withDefault("OVS_URL_SOURCE_CONNECT_TIMEOUT_SECONDS", seconds(1), "30"),
    headersTimeout: r.withDefault("OVS_URL_SOURCE_RESPONSE_TIMEOUT_SECONDS", seconds(1), "60"),
    idleReadTimeout: r.withDefault("OVS_URL_SOURCE_READ_TIMEOUT_SECONDS", seconds(1), "300"),
  });

const readKeycloak = ({ r, need }: Readers, baseUrl: Option.Option<string>) => {
  const serverUrl = need("KEYCLOAK_SERVER_URL", url("https", "https://sso.example.edu"));
  const realm = need("KEYCLOAK_REALM", text("a realm name without blanks or slashes", /^[^\s/]+$/));
  const clientSecret = r.optional("SOCIAL_AUTH_KEYCLOAK_SECRET", secret(), "a public client");
  const clientAuthentication = r.optional(
    "OVS_OIDC_CLIENT_AUTH_METHOD",
    oneOf("client_secret_basic", "client_secret_post", "none"),
    "client_secret_basic with a secret, none without",
  );
  both(clientAuthentication, clientSecret, (method, secretValue) => {
    if (method !== undefined && method !== "none" && secretValue === undefined) {
      r.problem(`OVS_OIDC_CLIENT_AUTH_METHOD: ${method} needs SOCIAL_AUTH_KEYCLOAK_SECRET, which is not set`);
    }
  });
  const signIn = Option.all({
    serverUrl,
    realm,
    baseUrl,
    clientId: need("SOCIAL_AUTH_KEYCLOAK_KEY", text("an OIDC client id")),
    clientSecret,
    clientAuthentication,
    scope: r.withDefault(
      "OVS_OIDC_SCOPE",
      text("space-separated scopes including openid", /(^|\s)openid(\s|$)/),
      "openid profile email",
    ),
    groupsClaim: r.withDefault("OVS_OIDC_GROUPS_CLAIM", text("a claim name"), "user_groups"),
    timeout: r.withDefault("OVS_OIDC_TIMEOUT_SECONDS", seconds(1), "10"),
  });
  const groups = Option.all({
    serverUrl,
    realm,
    clientId: need("KEYCLOAK_SVC_ADMIN", text("a service-account client id")),
    clientSecret: need("KEYCLOAK_SVC_ADMIN_PASSWORD", secret()),
    cacheTtl: r.withDefault("OVS_KEYCLOAK_GROUP_CACHE_SECONDS", seconds(0), "30"),
    timeout: r.withDefault("OVS_KEYCLOAK_ADMIN_TIMEOUT_SECONDS", seconds(1), "10"),
  });
  return Option.all({ signIn, groups });
};

const readMailgun = ({ r, need }: Readers) =>
  Option.all({
    apiUrl: need("MAILGUN_URL", url("https", "https://api.mailgun.net/v3/mg.example.edu")),
    apiKey: need("MAILGUN_KEY", secret()),
    batchSize: r.withDefault("MAILGUN_BATCH_CHUNK_SIZE", integer(1, 1000), "1000"),
    recipientOverride: r.optional("MAILGUN_RECIPIENT_OVERRIDE", email(), "mail goes to its recipients"),
    timeout: r.withDefault("OVS_MAILGUN_TIMEOUT_SECONDS", seconds(1), "30"),
  });

const readEdx = ({ r }: Readers) => {
  const retryBaseDelay = r.withDefault("OVS_EDX_RETRY_BASE_DELAY_SECONDS", seconds(0), "1");
  const retryMaxDelay = r.withDefault("OVS_EDX_RETRY_MAX_DELAY_SECONDS", seconds(0), "30");
  both(retryBaseDelay, retryMaxDelay, (base, max) => {
    if (Duration.greaterThan(base, max)) {
      r.problem(
        `OVS_EDX_RETRY_BASE_DELAY_SECONDS: expected at most OVS_EDX_RETRY_MAX_DELAY_SECONDS (${Duration.toSeconds(max)}), ` +
          `got ${Duration.toSeconds(base)}`,
      );
    }
  });
  return Option.all({
    requestTimeout: r.withDefault("OVS_EDX_REQUEST_TIMEOUT_SECONDS", seconds(1), "30"),
    maxAttempts: r.withDefault("OVS_EDX_MAX_ATTEMPTS", integer(1, 10), "3"),
    retryBaseDelay,
    retryMaxDelay,
    tokenRefreshMargin: r.withDefault("OVS_EDX_TOKEN_REFRESH_MARGIN_SECONDS", seconds(0), "60"),
  });
};

/** The `aws` profile's adapters, every one of them required there. */
const urlSourceInput = (read: Option.Option.Value<ReturnType<typeof readUrlSource>>) => ({
  maxBytes: read.maxBytes,
  allowHttp: read.allowHttp,
  allowedAddressRanges: read.allowedAddressRanges ?? [],
  maxRedirects: read.maxRedirects,
  connectTimeout: read.connectTimeout,
  headersTimeout: read.headersTimeout,
  idleReadTimeout: read.idleReadTimeout,
});

/** Grants for protected videos, in every profile: the `local` one signs as CloudFront does. */
const readPlayback = ({ r }: Readers): Option.Option<PlaybackConfig> => {
  r.renamed("OVS_CDN_SIGNATURE_TTL_SECONDS", "OVS_PLAYBACK_GRANT_SECONDS");
  return Option.all({
    grantLifetime: r.withDefault("OVS_PLAYBACK_GRANT_SECONDS", seconds(1), String(6 * HOUR)),
    grantWindow: r.withDefault("OVS_CDN_SIGNATURE_WINDOW_SECONDS", seconds(1), String(HOUR)),
    signedCookies: r.withDefault("OVS_PLAYBACK_SIGNED_COOKIES", boolean(), "false"),
    cookieDomain: r.optional(
      "OVS_PLAYBACK_COOKIE_DOMAIN",
      text("a domain name such as video.example.edu", /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$/i),
      "host-only cookies",
    ),
  }).pipe(Option.map((read) => ({ ...read, cookieDomain: read.cookieDomain ?? null })));
};

/** The `local` profile: everything on one machine, nothing required. */
const readLocalAdapters = (
  readers: Readers,
  shared: { readonly port: Option.Option<number>; readonly maxUploadBytes: Option.Option<number> },
): Option.Option<LocalAdaptersConfig> => {
  const { r } = readers;
  const cdnPort = Option.flatMap(shared.port, (port) =>
    r.withDefault("OVS_CDN_PORT", integer(1, 65535), String(port + 1)),
  );
  both(cdnPort, shared.port, (cdn, app) => {
    if (cdn === app) r.problem(`OVS_CDN_PORT: expected a port other than PORT (${app})`);
  });
  return Option.all({
    cdnPort,
    ffmpegPath: r.optional("OVS_FFMPEG_PATH", text("the path of an ffmpeg executable"), "the bundled ffmpeg"),
    transcodeConcurrency: r.withDefault("OVS_TRANSCODE_CONCURRENCY", integer(1, 16), "1"),
    transcodeTimeout: r.withDefault("OVS_TRANSCODE_TIMEOUT_SECONDS", seconds(1), String(4 * HOUR)),
    urlSource: readUrlSource(readers, shared.maxUploadBytes),
    edx: readEdx(readers),
  }).pipe(
    Option.map((read): LocalAdaptersConfig => ({
      cdnPort: read.cdnPort,
      ffmpegPath: read.ffmpegPath ?? null,
      transcodeConcurrency: read.transcodeConcurrency,
      transcodeTimeout: read.transcodeTimeout,
      urlSource: urlSourceInput(read.urlSource),
      edx: read.edx,
    })),
  );
};

const readAwsAdapters = (
  readers: Readers,
  shared: {
    readonly baseUrl: Option.Option<string>;
    readonly domain: Option.Option<DomainSettings>;
    readonly maxUploadBytes: Option.Option<number>;
  },
): Option.Option<AwsAdaptersConfig> => {
  const { r } = readers;
  const clients = readAwsClients(readers);
  const region = Option.map(clients, (read) => read.region);
  const s3ObjectStore = readS3ObjectStore(readers);
  const mediaConvert = readMediaConvert(readers);
  const cloudFront = readCloudFront(readers);
  const webhook = readTranscodeWebhook(readers, region);
  const dropbox = readDropbox(readers);
  const urlSource = readUrlSource(readers, shared.maxUploadBytes);
  const keycloak = readKeycloak(readers, shared.baseUrl);
  const mailgun = readMailgun(readers);
  const edx = readEdx(readers);

  const assembled = Option.all({
    clients,
    s3ObjectStore,
    mediaConvert,
    cloudFront,
    webhook,
    dropbox,
    urlSource,
    keycloak,
    mailgun,
    edx,
    domain: shared.domain,
  }).pipe(
    Option.map((read): AwsAdaptersConfig => {
      const { buckets } = read.domain;
      const { signIn, groups } = read.keycloak;
      const server = signIn.serverUrl.replace(/\/+$/, "");
      return {
        clients: read.clients.clients,
        s3ObjectStore: read.s3ObjectStore,
        mediaConvert: { region: read.clients.region, ...read.mediaConvert },
        mediaConvertEvents: {
          accountId: read.mediaConvert.accountId,
          queueFilter: read.mediaConvert.queueName,
          buckets: { transcode: buckets.transcode, thumbnail: buckets.thumbnail },
        },
        cloudFrontUrls: read.cloudFront.cloudFrontUrls,
        cloudFrontInvalidator: read.cloudFront.cloudFrontInvalidator,
        snsVerifier: { region: read.clients.region, topicArn: read.webhook.topicArn },
        transcodeWebhookSecret: read.webhook.webhookSecret,
        dropbox: {
          appKey: read.dropbox.appKey,
          appSecret: read.dropbox.appSecret,
          refreshToken: read.dropbox.refreshToken,
          tokenUrl: read.dropbox.tokenUrl,
          contentApiUrl: read.dropbox.contentApiUrl,
          tokenTimeout: read.dropbox.tokenTimeout,
          connectTimeout: read.dropbox.connectTimeout,
          idleReadTimeout: read.dropbox.idleReadTimeout,
          tokenRefreshMargin: read.dropbox.tokenRefreshMargin,
          ...ifSet("maxBytes", read.dropbox.maxBytes),
        },
        urlSource: urlSourceInput(read.urlSource),
        keycloakSignIn: {
          issuerUrl: `${server}/realms/${encodeURIComponent(signIn.realm)}`,
          clientId: signIn.clientId,
          ...ifSet("clientSecret", signIn.clientSecret),
          ...ifSet("clientAuthentication", signIn.clientAuthentication),
          redirectUri: `${signIn.baseUrl}/auth/complete/keycloak/`,
          postLogoutRedirectUri: `${signIn.baseUrl}/`,
          scope: signIn.scope,
          groupsClaim: signIn.groupsClaim,
          timeout: signIn.timeout,
          allowInsecureRequests: false,
        },
        keycloakGroups: {
          serverUrl: groups.serverUrl,
          realm: groups.realm,
          clientId: groups.clientId,
          clientSecret: groups.clientSecret,
          cacheTtl: groups.cacheTtl,
          timeout: groups.timeout,
          allowInsecureRequests: false,
        },
        mailgun: {
          apiUrl: read.mailgun.apiUrl,
          apiKey: read.mailgun.apiKey,
          batchSize: read.mailgun.batchSize,
          ...ifSet("recipientOverride", read.mailgun.recipientOverride),
          timeout: read.mailgun.timeout,
        },
        edx: read.edx,
      };
    }),
  );

  // Only when nothing else is wrong: a problem already named here would be named twice.
  if (Option.isSome(assembled) && r.problems.length === 0) {
    const adapters = assembled.value;
    checkWithAdapter(r, "S3 object store", S3ObjectStoreSettings, adapters.s3ObjectStore, {
      partSizeBytes: "AWS_S3_UPLOAD_MULTIPART_CHUNKSIZE_MB",
      queueSize: "AWS_S3_UPLOAD_MAX_CONCURRENCY",
      multipartCopyThresholdBytes: "OVS_S3_MULTIPART_COPY_THRESHOLD_MB",
      copyPartSizeBytes: "OVS_S3_COPY_PART_SIZE_MB",
      copyConcurrency: "OVS_S3_COPY_CONCURRENCY",
      abortGrace: "OVS_S3_ABORT_GRACE_SECONDS",
    });
    checkWithAdapter(r, "Dropbox source", DropboxVideoSourceSettings, adapters.dropbox, {
      appKey: "DROPBOX_KEY",
      appSecret: "DROPBOX_SECRET",
      refreshToken: "DROPBOX_REFRESH_TOKEN",
      tokenUrl: "OVS_DROPBOX_TOKEN_URL",
      contentApiUrl: "OVS_DROPBOX_CONTENT_API_URL",
      tokenTimeout: "OVS_DROPBOX_TOKEN_TIMEOUT_SECONDS",
      connectTimeout: "OVS_DROPBOX_CONNECT_TIMEOUT_SECONDS",
      idleReadTimeout: "OVS_DROPBOX_READ_TIMEOUT_SECONDS",
      tokenRefreshMargin: "OVS_DROPBOX_TOKEN_REFRESH_MARGIN_SECONDS",
      maxBytes: "OVS_DROPBOX_MAX_BYTES",
    });
    checkWithAdapter(r, "URL source", UrlVideoSourceSettings, adapters.urlSource, {
      maxBytes: "OVS_URL_SOURCE_MAX_BYTES",
      allowHttp: "OVS_URL_SOURCE_ALLOW_HTTP",
      allowedAddressRanges: "OVS_URL_SOURCE_ALLOWED_RANGES",
      maxRedirects: "OVS_URL_SOURCE_MAX_REDIRECTS",
      connectTimeout: "OVS_URL_SOURCE_CONNECT_TIMEOUT_SECONDS",
      headersTimeout: "OVS_URL_SOURCE_RESPONSE_TIMEOUT_SECONDS",
      idleReadTimeout: "OVS_URL_SOURCE_READ_TIMEOUT_SECONDS",
    });
    checkWithAdapter(r, "Keycloak sign-in", KeycloakSignInSettings, adapters.keycloakSignIn, {
      issuerUrl: "KEYCLOAK_SERVER_URL",
      clientId: "SOCIAL_AUTH_KEYCLOAK_KEY",
      clientSecret: "SOCIAL_AUTH_KEYCLOAK_SECRET",
      clientAuthentication: "OVS_OIDC_CLIENT_AUTH_METHOD",
      redirectUri: "ODL_VIDEO_BASE_URL",
      postLogoutRedirectUri: "ODL_VIDEO_BASE_URL",
      scope: "OVS_OIDC_SCOPE",
      groupsClaim: "OVS_OIDC_GROUPS_CLAIM",
      timeout: "OVS_OIDC_TIMEOUT_SECONDS",
    });
    checkWithAdapter(r, "Keycloak group directory", KeycloakGroupDirectorySettings, adapters.keycloakGroups, {
      serverUrl: "KEYCLOAK_SERVER_URL",
      realm: "KEYCLOAK_REALM",
      clientId: "KEYCLOAK_SVC_ADMIN",
      clientSecret: "KEYCLOAK_SVC_ADMIN_PASSWORD",
      cacheTtl: "OVS_KEYCLOAK_GROUP_CACHE_SECONDS",
      timeout: "OVS_KEYCLOAK_ADMIN_TIMEOUT_SECONDS",
    });
    checkWithAdapter(r, "Mailgun mailer", MailgunMailerSettings, adapters.mailgun, {
      apiUrl: "MAILGUN_URL",
      apiKey: "MAILGUN_KEY",
      batchSize: "MAILGUN_BATCH_CHUNK_SIZE",
      recipientOverride: "MAILGUN_RECIPIENT_OVERRIDE",
      timeout: "OVS_MAILGUN_TIMEOUT_SECONDS",
    });
    checkWithAdapter(r, "edX", EdxvalVideoApiSettings, adapters.edx, {
      requestTimeout: "OVS_EDX_REQUEST_TIMEOUT_SECONDS",
      maxAttempts: "OVS_EDX_MAX_ATTEMPTS",
      retryBaseDelay: "OVS_EDX_RETRY_BASE_DELAY_SECONDS",
      retryMaxDelay: "OVS_EDX_RETRY_MAX_DELAY_SECONDS",
      tokenRefreshMargin: "OVS_EDX_TOKEN_REFRESH_MARGIN_SECONDS",
    });
  }
  return assembled;
};

/** A development secret when none is given: sessions then last until the process restarts. */
const generateSecretKey = (): string => randomBytes(32).toString("base64url");

/**
 * Reads the configuration from the environment, once, at start (docs/architecture.md §4): every
 * variable is decoded with its schema, and every missing or malformed one, and every pair that
 * disagrees, gives one line of the `ConfigError`, all of them together. Variable names are
 * upstream's where the setting existed there, `OVS_…` with durations in seconds otherwise
 * (docs/architecture.md §5.8).
 */
export const readConfig = (env: Env): Either.Either<AppConfig, ConfigError> => {
  const r = new EnvReader(env);
  const profileRead = r.withDefault("OVS_PROFILE", oneOf(...PROFILES), "local");
  // Which variables are required, and their defaults, depend on the profile: without one,
  // anything more would be guesswork.
  if (Option.isNone(profileRead)) return Either.left(new ConfigError({ problems: r.problems }));
  const profile = profileRead.value;
  const isAws = profile === "aws";
  const readers: Readers = {
    r,
    need: (name, value) => r.required(name, value, `the ${profile} profile`),
  };
  const awsOr = <A>(name: string, value: EnvValue<A>, localDefault: string): Option.Option<A> =>
    isAws ? readers.need(name, value) : r.withDefault(name, value, localDefault);

  const port = r.withDefault("PORT", integer(1, 65535), "3000");
  const baseUrl = isAws
    ? readers.need("ODL_VIDEO_BASE_URL", baseUrlValue())
    : Option.flatMap(port, (listening) =>
        r.withDefault("ODL_VIDEO_BASE_URL", baseUrlValue(), `http://127.0.0.1:${listening}`),
      );
  const secretKey = isAws
    ? readers.need("OVS_SECRET_KEY", secret(MIN_SECRET_KEY_LENGTH))
    : r.generated("OVS_SECRET_KEY", secret(MIN_SECRET_KEY_LENGTH), generateSecretKey);
  const dataDir = r.withDefault("OVS_DATA_DIR", text("a directory"), ".ovs");
  const databaseUrl = isAws
    ? readers.need("DATABASE_URL", postgresUrl())
    : r.optional("DATABASE_URL", postgresUrl(), "PGlite under OVS_DATA_DIR");
  const maxUploadBytes = r.withDefault("OVS_MAX_UPLOAD_BYTES", bytes(), String(DEFAULT_MAX_UPLOAD_BYTES));
  const logLevel = r.withDefault("OVS_LOG_LEVEL", oneOf(...LOG_LEVELS), "info");
  const metricsToken = r.optional(
    "OVS_METRICS_TOKEN",
    secret(MIN_SECRET_KEY_LENGTH),
    "none: /metrics is open",
  );
  const idleLifetime = r.withDefault("OVS_SESSION_IDLE_SECONDS", seconds(1), String(12 * HOUR));
  const absoluteLifetime = r.withDefault("OVS_SESSION_ABSOLUTE_SECONDS", seconds(1), String(14 * DAY));
  both(idleLifetime, absoluteLifetime, (idle, absolute) => {
    if (Duration.greaterThan(idle, absolute)) {
      r.problem(
        `OVS_SESSION_IDLE_SECONDS: expected at most OVS_SESSION_ABSOLUTE_SECONDS (${Duration.toSeconds(absolute)}), ` +
          `got ${Duration.toSeconds(idle)}`,
      );
    }
  });

  const playback = readPlayback(readers);
  const domain = readDomain(readers, awsOr, baseUrl);
  const workers = readWorkers(r, domain);
  const awsAdapters = isAws ? readAwsAdapters(readers, { baseUrl, domain, maxUploadBytes }) : undefined;
  const localAdapters =
    profile === "local" ? readLocalAdapters(readers, { port, maxUploadBytes }) : undefined;

  const common = Option.all({
    port,
    baseUrl,
    secretKey,
    dataDir,
    databaseUrl,
    maxUploadBytes,
    logLevel,
    metricsToken,
    idleLifetime,
    absoluteLifetime,
    playback,
    domain,
    workers,
  });
  // A read answers none only after recording its problem, so this is one test in practice; the
  // others let the compiler see that every value is there.
  if (
    r.problems.length > 0 ||
    Option.isNone(common) ||
    (awsAdapters !== undefined && Option.isNone(awsAdapters)) ||
    (localAdapters !== undefined && Option.isNone(localAdapters))
  ) {
    return Either.left(new ConfigError({ problems: r.problems }));
  }
  const read = common.value;
  const shared = {
    port: read.port,
    baseUrl: read.baseUrl,
    secretKey: read.secretKey,
    dataDir: read.dataDir,
    databaseUrl: read.databaseUrl ?? null,
    maxUploadBytes: read.maxUploadBytes,
    logLevel: read.logLevel,
    metricsToken: read.metricsToken ?? null,
    session: { idleLifetime: read.idleLifetime, absoluteLifetime: read.absoluteLifetime },
    playback: read.playback,
    domain: read.domain,
    workers: read.workers,
    variables: r.variables,
  };
  if (profile === "test") return Either.right({ ...shared, profile, aws: null, local: null });
  if (profile === "local") {
    if (localAdapters === undefined || Option.isNone(localAdapters)) {
      return Either.left(new ConfigError({ problems: r.problems }));
    }
    return Either.right({ ...shared, profile, aws: null, local: localAdapters.value });
  }
  if (awsAdapters === undefined || Option.isNone(awsAdapters)) {
    return Either.left(new ConfigError({ problems: r.problems }));
  }
  return Either.right({ ...shared, profile, aws: awsAdapters.value, local: null });
};
