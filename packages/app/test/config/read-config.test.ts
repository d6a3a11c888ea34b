import { generateKeyPairSync } from "node:crypto";
import { CloudFrontUrls, makeS3ObjectStoreSettings } from "@ovs/adapters-aws";
import { makeEdxvalVideoApiSettings } from "@ovs/adapters-edx";
import {
  makeDropboxVideoSourceSettings,
  makeKeycloakGroupDirectorySettings,
  makeKeycloakSignInSettings,
  makeMailgunMailerSettings,
  makeUrlVideoSourceSettings,
} from "@ovs/adapters-http";
import { Duration, Either, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import type { AppConfig, Env } from "../../src/config/index.js";
import { ConfigError, describeConfig, readConfig } from "../../src/config/index.js";

const { privateKey: RSA_KEY } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** Distinct, recognisable secret values: none may show up in a report or an error. */
const SECRETS = {
  OVS_SECRET_KEY: "session-secret-0123456789abcdefghijklmnop",
  DATABASE_PASSWORD: "db-password-s3cr3t",
  AWS_SECRET_ACCESS_KEY: "aws-secret-access-key-value-xyz",
  OVS_TRANSCODE_WEBHOOK_SECRET: "webhook-secret-0123456789abcdefghijkl",
  DROPBOX_SECRET: "dropbox-app-secret-value",
  DROPBOX_REFRESH_TOKEN: "dropbox-refresh-token-value",
  SOCIAL_AUTH_KEYCLOAK_SECRET: "keycloak-client-secret-value",
  KEYCLOAK_SVC_ADMIN_PASSWORD: "keycloak-admin-password-value",
  MAILGUN_KEY: "mailgun-api-key-value",
} as const;

/** A complete `aws` environment: every required variable, and some optional ones. */
const awsEnv = (): Record<string, string> => ({
  OVS_PROFILE: "aws",
  PORT: "8080",
  ODL_VIDEO_BASE_URL: "https://video.example.edu/",
  OVS_SECRET_KEY: SECRETS.OVS_SECRET_KEY,
  DATABASE_URL: `postgres://ovs:${SECRETS.DATABASE_PASSWORD}@db.example.edu:5432/ovs`,
  VIDEO_S3_BUCKET: "ovs-uploads",
  VIDEO_S3_TRANSCODE_BUCKET: "ovs-transcoded",
  VIDEO_S3_THUMBNAIL_BUCKET: "ovs-thumbnails",
  VIDEO_S3_SUBTITLE_BUCKET: "ovs-subtitles",
  VIDEO_S3_WATCH_BUCKET: "ovs-watch",
  ODL_VIDEO_SUPPORT_EMAIL: "video-support@example.edu",
  LECTURE_CAPTURE_USER: "lecture-capture@example.edu",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEY",
  AWS_SECRET_ACCESS_KEY: SECRETS.AWS_SECRET_ACCESS_KEY,
  AWS_ACCOUNT_ID: "123456789012",
  AWS_ROLE_NAME: "ovs-mediaconvert",
  VIDEO_TRANSCODE_QUEUE: "Default",
  VIDEO_CLOUDFRONT_DIST: "d111111abcdef8",
  CLOUDFRONT_KEY_ID: "K2JCJMDEHXQW5F",
  // One line with `\n` escapes, as environment files hold it.
  CLOUDFRONT_PRIVATE_KEY: RSA_KEY.replace(/\n/g, "\\n"),
  VIDEO_CDN_DISTRIBUTION_ID: "E2QWRUHAPOMQZL",
  OVS_TRANSCODE_SNS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:MediaConvertJobAlert",
  OVS_TRANSCODE_WEBHOOK_SECRET: SECRETS.OVS_TRANSCODE_WEBHOOK_SECRET,
  DROPBOX_KEY: "dropbox-app-key",
  DROPBOX_SECRET: SECRETS.DROPBOX_SECRET,
  DROPBOX_REFRESH_TOKEN: SECRETS.DROPBOX_REFRESH_TOKEN,
  KEYCLOAK_SERVER_URL: "https://sso.example.edu/",
  KEYCLOAK_REALM: "ovs",
  SOCIAL_AUTH_KEYCLOAK_KEY: "ovs-web",
  SOCIAL_AUTH_KEYCLOAK_SECRET: SECRETS.SOCIAL_AUTH_KEYCLOAK_SECRET,
  KEYCLOAK_SVC_ADMIN: "odl-video-app",
  KEYCLOAK_SVC_ADMIN_PASSWORD: SECRETS.KEYCLOAK_SVC_ADMIN_PASSWORD,
  MAILGUN_URL: "https://api.mailgun.net/v3/mg.example.edu",
  MAILGUN_KEY: SECRETS.MAILGUN_KEY,
});

/** Every variable the `aws` profile cannot do without. */
const REQUIRED_IN_AWS = [
  "ODL_VIDEO_BASE_URL",
  "OVS_SECRET_KEY",
  "DATABASE_URL",
  "VIDEO_S3_BUCKET",
  "VIDEO_S3_TRANSCODE_BUCKET",
  "VIDEO_S3_THUMBNAIL_BUCKET",
  "VIDEO_S3_SUBTITLE_BUCKET",
  "VIDEO_S3_WATCH_BUCKET",
  "ODL_VIDEO_SUPPORT_EMAIL",
  "LECTURE_CAPTURE_USER",
  "AWS_REGION",
  "AWS_ACCOUNT_ID",
  "AWS_ROLE_NAME",
  "VIDEO_TRANSCODE_QUEUE",
  "VIDEO_CLOUDFRONT_DIST",
  "CLOUDFRONT_KEY_ID",
  "CLOUDFRONT_PRIVATE_KEY",
  "VIDEO_CDN_DISTRIBUTION_ID",
  "OVS_TRANSCODE_SNS_TOPIC_ARN",
  "OVS_TRANSCODE_WEBHOOK_SECRET",
  "DROPBOX_KEY",
  "DROPBOX_SECRET",
  "DROPBOX_REFRESH_TOKEN",
  "KEYCLOAK_SERVER_URL",
  "KEYCLOAK_REALM",
  "SOCIAL_AUTH_KEYCLOAK_KEY",
  "KEYCLOAK_SVC_ADMIN",
  "KEYCLOAK_SVC_ADMIN_PASSWORD",
  "MAILGUN_URL",
  "MAILGUN_KEY",
] as const;

const configOf = (env: Env): AppConfig => {
  const read = readConfig(env);
  if (Either.isLeft(read)) throw new Error(`unexpected configuration problems:\n${read.left.message}`);
  return read.right;
};

const problemsOf = (env: Env): ReadonlyArray<string> => {
  const read = readConfig(env);
  if (Either.isRight(read)) throw new Error("the configuration was accepted");
  expect(read.left).toBeInstanceOf(ConfigError);
  expect(read.left._tag).toBe("ConfigError");
  return read.left.problems;
};

const awsOf = (config: AppConfig) => {
  if (config.profile !== "aws") throw new Error(`profile ${config.profile}`);
  return config.aws;
};

const without = (env: Record<string, string>, name: string): Record<string, string> => {
  const copy = { ...env };
  delete copy[name];
  return copy;
};

const seconds = (input: Duration.DurationInput): number => Duration.toSeconds(Duration.decode(input));

describe("readConfig, local profile", () => {
  it("runs on an empty environment, with defaults for everything", () => {
    const config = configOf({});
    expect(config.profile).toBe("local");
    expect(config.aws).toBeNull();
    expect(config.port).toBe(3000);
    expect(config.baseUrl).toBe("http://127.0.0.1:3000");
    expect(config.dataDir).toBe(".ovs");
    expect(config.databaseUrl).toBeNull();
    expect(config.maxUploadBytes).toBe(20 * 1024 ** 3);
    expect(Duration.toSeconds(config.session.idleLifetime)).toBe(12 * 3600);
    expect(Duration.toSeconds(config.session.absoluteLifetime)).toBe(14 * 86400);
    expect(Redacted.value(config.secretKey).length).toBeGreaterThanOrEqual(32);
    expect(config.domain).toMatchObject({
      buckets: {
        upload: "ovs-uploads",
        transcode: "ovs-transcoded",
        thumbnail: "ovs-thumbnails",
        subtitle: "ovs-subtitles",
        watch: "ovs-watch",
      },
      baseUrl: "http://127.0.0.1:3000",
      supportEmail: "support@example.com",
      unsortedCollectionSlug: "Unsorted",
      watchBucketArchivePrefix: null,
      thumbnails: { maxUploadBytes: 1024 * 1024 },
      retranscodeEnabled: false,
    });
    expect(seconds(config.domain.ingest.leaseTtl)).toBe(120);
    expect(seconds(config.domain.ingest.heartbeatInterval)).toBe(30);
    expect(seconds(config.domain.ingest.stuckThreshold)).toBe(7200);
    expect(seconds(config.domain.transcode.reconcileAfter)).toBe(1800);
  });

  it("builds the default base URL on the port, and generates a new development secret each start", () => {
    const first = configOf({ PORT: "4100" });
    expect(first.baseUrl).toBe("http://127.0.0.1:4100");
    const second = configOf({ PORT: "4100" });
    expect(Redacted.value(first.secretKey)).not.toBe(Redacted.value(second.secretKey));
  });

  it("takes values from the environment, ignoring blank ones and surrounding blanks", () => {
    const config = configOf({
      OVS_PROFILE: "test",
      PORT: " 8081 ",
      ODL_VIDEO_BASE_URL: "",
      OVS_DATA_DIR: "/var/lib/ovs",
      DATABASE_URL: "postgres://ovs@localhost:5432/ovs",
      OVS_WATCH_BUCKET_ARCHIVE_PREFIX: "archive/",
      FEATURE_RETRANSCODE_ENABLED: "TRUE",
      VIDEO_S3_BUCKET: "my.uploads-1",
    });
    expect(config.profile).toBe("test");
    expect(config.port).toBe(8081);
    expect(config.baseUrl).toBe("http://127.0.0.1:8081");
    expect(config.dataDir).toBe("/var/lib/ovs");
    expect(config.databaseUrl && Redacted.value(config.databaseUrl)).toBe(
      "postgres://ovs@localhost:5432/ovs",
    );
    expect(config.domain.watchBucketArchivePrefix).toBe("archive/");
    expect(config.domain.retranscodeEnabled).toBe(true);
    expect(config.domain.buckets.upload).toBe("my.uploads-1");
  });

  it("does not read the aws adapters' variables", () => {
    const config = configOf({ AWS_REGION: "not a region", MAILGUN_URL: "nope" });
    expect(config.aws).toBeNull();
    expect(config.variables.map((variable) => variable.name)).not.toContain("AWS_REGION");
  });
});

describe("readConfig, aws profile", () => {
  it("accepts a complete environment and maps it onto every adapter's settings", () => {
    const config = configOf(awsEnv());
    const aws = awsOf(config);
    expect(config.port).toBe(8080);
    expect(config.baseUrl).toBe("https://video.example.edu");
    expect(config.domain.baseUrl).toBe("https://video.example.edu");
    expect(Redacted.value(config.secretKey)).toBe(SECRETS.OVS_SECRET_KEY);
    expect(config.databaseUrl && Redacted.value(config.databaseUrl)).toContain(SECRETS.DATABASE_PASSWORD);
    expect(config.domain.supportEmail).toBe("video-support@example.edu");
    expect(config.domain.lectureCaptureUsername).toBe("lecture-capture@example.edu");

    expect(aws.clients.s3).toMatchObject({ region: "us-east-1", forcePathStyle: false });
    expect(aws.clients.s3.credentials?.accessKeyId).toBe("AKIAEXAMPLEKEY");
    expect(Redacted.value(aws.clients.s3.credentials!.secretAccessKey)).toBe(SECRETS.AWS_SECRET_ACCESS_KEY);
    expect(aws.clients.mediaConvert.region).toBe("us-east-1");
    expect(aws.clients.mediaConvert.endpoint).toBeUndefined();
    expect(aws.clients.cloudFront).not.toHaveProperty("region");

    expect(aws.mediaConvert).toEqual({
      region: "us-east-1",
      accountId: "123456789012",
      roleName: "ovs-mediaconvert",
      queueName: "Default",
    });
    expect(aws.mediaConvertEvents).toEqual({
      accountId: "123456789012",
      queueFilter: "Default",
      buckets: { transcode: "ovs-transcoded", thumbnail: "ovs-thumbnails" },
    });
    expect(aws.cloudFrontUrls).toMatchObject({
      host: "d111111abcdef8.cloudfront.net",
      keyPairId: "K2JCJMDEHXQW5F",
      algorithm: "SHA1",
    });
    expect(Redacted.value(aws.cloudFrontUrls.privateKey)).toBe(RSA_KEY);
    expect(config.playback).toEqual({
      grantLifetime: Duration.seconds(6 * 3600),
      grantWindow: Duration.seconds(3600),
      signedCookies: false,
      cookieDomain: null,
    });
    expect(aws.cloudFrontInvalidator).toEqual({ distributionId: "E2QWRUHAPOMQZL" });
    expect(aws.snsVerifier).toEqual({
      region: "us-east-1",
      topicArn: "arn:aws:sns:us-east-1:123456789012:MediaConvertJobAlert",
    });
    expect(Redacted.value(aws.transcodeWebhookSecret)).toBe(SECRETS.OVS_TRANSCODE_WEBHOOK_SECRET);

    expect(aws.keycloakSignIn).toMatchObject({
      issuerUrl: "https://sso.example.edu/realms/ovs",
      clientId: "ovs-web",
      redirectUri: "https://video.example.edu/auth/complete/keycloak/",
      postLogoutRedirectUri: "https://video.example.edu/",
      allowInsecureRequests: false,
    });
    expect(aws.keycloakGroups).toMatchObject({
      serverUrl: "https://sso.example.edu/",
      realm: "ovs",
      clientId: "odl-video-app",
    });
    expect(aws.urlSource).toMatchObject({ maxBytes: config.maxUploadBytes, allowHttp: false });
    expect(aws.mailgun).toMatchObject({
      apiUrl: "https://api.mailgun.net/v3/mg.example.edu",
      batchSize: 1000,
    });
  });

  it("gives every adapter settings its make…Settings accepts, with the adapters' own defaults", () => {
    const aws = awsOf(configOf(awsEnv()));
    expect(makeS3ObjectStoreSettings(aws.s3ObjectStore)).toEqual(makeS3ObjectStoreSettings({}));
    expect(makeEdxvalVideoApiSettings(aws.edx)).toEqual(makeEdxvalVideoApiSettings({}));
    const dropbox = aws.dropbox;
    expect(makeDropboxVideoSourceSettings(dropbox)).toEqual(
      makeDropboxVideoSourceSettings({
        appKey: dropbox.appKey,
        appSecret: dropbox.appSecret,
        refreshToken: dropbox.refreshToken,
      }),
    );
    expect(makeUrlVideoSourceSettings(aws.urlSource)).toEqual(
      makeUrlVideoSourceSettings({ maxBytes: aws.urlSource.maxBytes }),
    );
    const groups = aws.keycloakGroups;
    expect(makeKeycloakGroupDirectorySettings(groups)).toEqual(
      makeKeycloakGroupDirectorySettings({
        serverUrl: groups.serverUrl,
        realm: groups.realm,
        clientId: groups.clientId,
        clientSecret: groups.clientSecret,
      }),
    );
    const signIn = aws.keycloakSignIn;
    expect(makeKeycloakSignInSettings(signIn)).toEqual(
      makeKeycloakSignInSettings({
        issuerUrl: signIn.issuerUrl,
        clientId: signIn.clientId,
        ...(signIn.clientSecret === undefined ? {} : { clientSecret: signIn.clientSecret }),
        redirectUri: signIn.redirectUri,
        postLogoutRedirectUri: signIn.postLogoutRedirectUri,
      }),
    );
    const mailgun = aws.mailgun;
    expect(makeMailgunMailerSettings(mailgun)).toEqual(
      makeMailgunMailerSettings({ apiUrl: mailgun.apiUrl, apiKey: mailgun.apiKey }),
    );
    // The key is checked at read time, so the signer accepts it.
    expect(
      () => new CloudFrontUrls({ ...aws.cloudFrontUrls, clock: { now: () => new Date() } }),
    ).not.toThrow();
  });

  it("maps the optional variables onto the adapters' settings", () => {
    const aws = awsOf(
      configOf({
        ...awsEnv(),
        VIDEO_CLOUDFRONT_BASE_URL: "https://media.example.edu/",
        OVS_S3_ENDPOINT_URL: "http://127.0.0.1:9000",
        OVS_S3_FORCE_PATH_STYLE: "true",
        OVS_S3_CHECKSUMS: "WHEN_REQUIRED",
        OVS_AWS_MAX_ATTEMPTS: "5",
        OVS_AWS_CONNECT_TIMEOUT_SECONDS: "3",
        AWS_S3_UPLOAD_MULTIPART_CHUNKSIZE_MB: "32",
        OVS_S3_ABORT_GRACE_SECONDS: "0",
        OVS_URL_SOURCE_ALLOWED_RANGES: "10.0.0.0/8, fd00::/8",
        OVS_URL_SOURCE_MAX_BYTES: "1000",
        OVS_DROPBOX_MAX_BYTES: "2000",
        OVS_OIDC_CLIENT_AUTH_METHOD: "client_secret_post",
        MAILGUN_RECIPIENT_OVERRIDE: "qa@example.edu",
        OVS_CDN_SIGNATURE_ALGORITHM: "SHA256",
      }),
    );
    expect(aws.cloudFrontUrls.host).toBe("media.example.edu");
    expect(aws.cloudFrontUrls.algorithm).toBe("SHA256");
    expect(aws.clients.s3).toMatchObject({
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      maxAttempts: 5,
      connectionTimeoutMillis: 3000,
    });
    expect(aws.clients.cloudFront).toMatchObject({ maxAttempts: 5, connectionTimeoutMillis: 3000 });
    expect(aws.s3ObjectStore.partSizeBytes).toBe(32 * 1024 * 1024);
    expect(aws.s3ObjectStore.abortGrace && Duration.toMillis(aws.s3ObjectStore.abortGrace)).toBe(0);
    expect(aws.urlSource.allowedAddressRanges).toEqual(["10.0.0.0/8", "fd00::/8"]);
    expect(aws.urlSource.maxBytes).toBe(1000);
    expect(aws.dropbox.maxBytes).toBe(2000);
    expect(aws.keycloakSignIn.clientAuthentication).toBe("client_secret_post");
    expect(aws.mailgun.recipientOverride).toBe("qa@example.edu");
  });

  it.each(REQUIRED_IN_AWS)("names %s when it is missing, with what it expects", (name) => {
    const problems = problemsOf(without(awsEnv(), name));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^${name}: missing, expected .+ \\(.*required in the aws profile\\)$`),
    );
  });

  it("names every missing variable at once", () => {
    const problems = problemsOf({ OVS_PROFILE: "aws" });
    expect(problems.map((line) => line.split(":")[0])).toEqual([...REQUIRED_IN_AWS]);
  });

  it("accepts VIDEO_CLOUDFRONT_BASE_URL in place of VIDEO_CLOUDFRONT_DIST", () => {
    const env = {
      ...without(awsEnv(), "VIDEO_CLOUDFRONT_DIST"),
      VIDEO_CLOUDFRONT_BASE_URL: "https://media.example.edu/",
    };
    expect(awsOf(configOf(env)).cloudFrontUrls.host).toBe("media.example.edu");
  });
});

describe("readConfig, malformed values", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["PORT", "abc", 'PORT: expected an integer between 1 and 65535, got "abc"'],
    ["PORT", "70000", 'PORT: expected an integer between 1 and 65535, got "70000"'],
    ["PORT", "80.5", 'PORT: expected an integer between 1 and 65535, got "80.5"'],
    [
      "OVS_MAX_UPLOAD_BYTES",
      "-5",
      'OVS_MAX_UPLOAD_BYTES: expected a whole number of bytes greater than 0, got "-5"',
    ],
    [
      "OVS_MAX_UPLOAD_BYTES",
      "1e9",
      'OVS_MAX_UPLOAD_BYTES: expected a whole number of bytes greater than 0, got "1e9"',
    ],
    [
      "OVS_INGEST_LEASE_TTL_SECONDS",
      "2m",
      'OVS_INGEST_LEASE_TTL_SECONDS: expected a whole number of seconds between 1 and 31536000, got "2m"',
    ],
    [
      "OVS_SESSION_IDLE_SECONDS",
      "0",
      'OVS_SESSION_IDLE_SECONDS: expected a whole number of seconds between 1 and 31536000, got "0"',
    ],
    [
      "OVS_TRANSCODE_RECONCILE_AFTER_SECONDS",
      "-30",
      'OVS_TRANSCODE_RECONCILE_AFTER_SECONDS: expected a whole number of seconds between 1 and 31536000, got "-30"',
    ],
    ["OVS_PROFILE", "production", 'OVS_PROFILE: expected one of local, aws, test, got "production"'],
    ["FEATURE_RETRANSCODE_ENABLED", "yes", 'FEATURE_RETRANSCODE_ENABLED: expected true or false, got "yes"'],
    [
      "ODL_VIDEO_BASE_URL",
      "video.example.edu",
      'ODL_VIDEO_BASE_URL: expected an absolute http(s) URL without query or fragment, such as https://video.example.edu, got "video.example.edu"',
    ],
    [
      "ODL_VIDEO_BASE_URL",
      "ftp://video.example.edu",
      'ODL_VIDEO_BASE_URL: expected an absolute http(s) URL without query or fragment, such as https://video.example.edu, got "ftp://video.example.edu"',
    ],
    [
      "ODL_VIDEO_BASE_URL",
      "https://video.example.edu/?next=1",
      'ODL_VIDEO_BASE_URL: expected an absolute http(s) URL without query or fragment, such as https://video.example.edu, got "https://video.example.edu/?next=1"',
    ],
    ["VIDEO_S3_BUCKET", "My_Bucket", "VIDEO_S3_BUCKET: expected an S3 bucket name"],
    ["ODL_VIDEO_SUPPORT_EMAIL", "support", "ODL_VIDEO_SUPPORT_EMAIL: expected an email address"],
    [
      "DATABASE_URL",
      "mysql://db/ovs",
      "DATABASE_URL: expected a Postgres URL such as postgres://user@host:5432/db",
    ],
  ];

  it.each(cases)("names %s=%s with what it expects", (name, value, line) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(line);
  });

  const awsCases: ReadonlyArray<readonly [string, string, string]> = [
    ["AWS_REGION", "US East", 'AWS_REGION: expected an AWS region such as us-east-1, got "US East"'],
    ["AWS_ACCOUNT_ID", "1234", 'AWS_ACCOUNT_ID: expected a 12-digit AWS account id, got "1234"'],
    [
      "OVS_CDN_SIGNATURE_ALGORITHM",
      "MD5",
      'OVS_CDN_SIGNATURE_ALGORITHM: expected one of SHA1, SHA256, got "MD5"',
    ],
    [
      "OVS_S3_CHECKSUMS",
      "always",
      'OVS_S3_CHECKSUMS: expected one of WHEN_SUPPORTED, WHEN_REQUIRED, got "always"',
    ],
    [
      "AWS_S3_UPLOAD_MULTIPART_CHUNKSIZE_MB",
      "4",
      'AWS_S3_UPLOAD_MULTIPART_CHUNKSIZE_MB: expected a whole number of MiB between 5 and 5120, got "4"',
    ],
    [
      "MAILGUN_BATCH_CHUNK_SIZE",
      "5000",
      'MAILGUN_BATCH_CHUNK_SIZE: expected an integer between 1 and 1000, got "5000"',
    ],
    [
      "KEYCLOAK_SERVER_URL",
      "http://sso.example.edu",
      'KEYCLOAK_SERVER_URL: expected an absolute https URL such as https://sso.example.edu, got "http://sso.example.edu"',
    ],
    [
      "OVS_URL_SOURCE_ALLOWED_RANGES",
      "10.0.0.0/33",
      'OVS_URL_SOURCE_ALLOWED_RANGES: expected comma-separated CIDR ranges such as 10.0.0.0/8,fd00::/8, got "10.0.0.0/33"',
    ],
    [
      "OVS_TRANSCODE_SNS_TOPIC_ARN",
      "MediaConvertJobAlert",
      'OVS_TRANSCODE_SNS_TOPIC_ARN: expected an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:MediaConvertJobAlert, got "MediaConvertJobAlert"',
    ],
    [
      "VIDEO_CLOUDFRONT_BASE_URL",
      "https://media.example.edu/videos/",
      "VIDEO_CLOUDFRONT_BASE_URL: expected an https URL of the CDN's root",
    ],
    [
      "OVS_DROPBOX_READ_TIMEOUT_SECONDS",
      "forever",
      'OVS_DROPBOX_READ_TIMEOUT_SECONDS: expected a whole number of seconds between 1 and 31536000, got "forever"',
    ],
    ["OVS_EDX_MAX_ATTEMPTS", "0", 'OVS_EDX_MAX_ATTEMPTS: expected an integer between 1 and 10, got "0"'],
  ];

  it.each(awsCases)("names %s=%s in the aws profile with what it expects", (name, value, line) => {
    const problems = problemsOf({ ...awsEnv(), [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(line);
  });

  it("names a malformed secret without showing it", () => {
    const problems = problemsOf({
      ...awsEnv(),
      OVS_SECRET_KEY: "too-short-secret",
      CLOUDFRONT_PRIVATE_KEY: "not-a-key-value",
    });
    expect(problems).toEqual([
      "OVS_SECRET_KEY: expected a secret of at least 32 characters (the value is not shown)",
      "CLOUDFRONT_PRIVATE_KEY: expected an RSA private key in PEM form (`\\n` escapes allowed) (the value is not shown)",
    ]);
  });

  it("reports every problem at once, one line each", () => {
    const problems = problemsOf({
      PORT: "abc",
      OVS_MAX_UPLOAD_BYTES: "-1",
      FEATURE_RETRANSCODE_ENABLED: "maybe",
      VIDEO_S3_WATCH_BUCKET: "A",
    });
    expect(problems.map((line) => line.split(":")[0])).toEqual([
      "PORT",
      "OVS_MAX_UPLOAD_BYTES",
      "VIDEO_S3_WATCH_BUCKET",
      "FEATURE_RETRANSCODE_ENABLED",
    ]);
    expect(problems.every((line) => !line.includes("\n"))).toBe(true);
  });

  it("stops at a bad profile: what is required depends on it", () => {
    expect(problemsOf({ OVS_PROFILE: "prod", PORT: "abc" })).toEqual([
      'OVS_PROFILE: expected one of local, aws, test, got "prod"',
    ]);
  });
});

describe("readConfig, rules between settings", () => {
  it("wants the stuck-upload threshold above the longest retry delay plus the lease", () => {
    const problems = problemsOf({
      OVS_INGEST_LEASE_TTL_SECONDS: "300",
      OVS_STUCK_UPLOAD_THRESHOLD_SECONDS: "900",
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^OVS_STUCK_UPLOAD_THRESHOLD_SECONDS: expected more than 600 plus OVS_INGEST_LEASE_TTL_SECONDS \(300\), so more than 900, got 900/,
    );
    expect(
      Either.isRight(
        readConfig({ OVS_INGEST_LEASE_TTL_SECONDS: "300", OVS_STUCK_UPLOAD_THRESHOLD_SECONDS: "901" }),
      ),
    ).toBe(true);
  });

  it("wants the lease longer than the heartbeat", () => {
    const problems = problemsOf({ OVS_INGEST_LEASE_TTL_SECONDS: "60", OVS_INGEST_HEARTBEAT_SECONDS: "60" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^OVS_INGEST_LEASE_TTL_SECONDS: expected more than OVS_INGEST_HEARTBEAT_SECONDS \(60\), got 60/,
    );
  });

  it("checks both rules together and alongside malformed values", () => {
    const problems = problemsOf({
      PORT: "0",
      OVS_INGEST_LEASE_TTL_SECONDS: "10",
      OVS_INGEST_HEARTBEAT_SECONDS: "20",
      OVS_STUCK_UPLOAD_THRESHOLD_SECONDS: "600",
    });
    expect(problems.map((line) => line.split(":")[0])).toEqual([
      "PORT",
      "OVS_INGEST_LEASE_TTL_SECONDS",
      "OVS_STUCK_UPLOAD_THRESHOLD_SECONDS",
    ]);
  });

  it("wants the idle session lifetime within the absolute one", () => {
    expect(problemsOf({ OVS_SESSION_IDLE_SECONDS: "7200", OVS_SESSION_ABSOLUTE_SECONDS: "3600" })).toEqual([
      "OVS_SESSION_IDLE_SECONDS: expected at most OVS_SESSION_ABSOLUTE_SECONDS (3600), got 7200",
    ]);
  });

  it("wants both AWS keys or neither, and uses the SDK's chain with neither", () => {
    expect(problemsOf(without(awsEnv(), "AWS_SECRET_ACCESS_KEY"))).toEqual([
      "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: expected both or neither (neither uses the SDK's default credential chain)",
    ]);
    const aws = awsOf(configOf(without(without(awsEnv(), "AWS_SECRET_ACCESS_KEY"), "AWS_ACCESS_KEY_ID")));
    expect(aws.clients.s3.credentials).toBeUndefined();
  });

  it("wants the SNS topic in AWS_REGION", () => {
    expect(problemsOf({ ...awsEnv(), AWS_REGION: "eu-west-1" })).toEqual([
      "OVS_TRANSCODE_SNS_TOPIC_ARN: expected a topic in AWS_REGION (eu-west-1), got one in us-east-1",
    ]);
  });

  it("wants a client secret for a secret-based OIDC client authentication", () => {
    const env = {
      ...without(awsEnv(), "SOCIAL_AUTH_KEYCLOAK_SECRET"),
      OVS_OIDC_CLIENT_AUTH_METHOD: "client_secret_basic",
    };
    expect(problemsOf(env)).toEqual([
      "OVS_OIDC_CLIENT_AUTH_METHOD: client_secret_basic needs SOCIAL_AUTH_KEYCLOAK_SECRET, which is not set",
    ]);
  });

  it("wants the edX base retry delay within the longest", () => {
    expect(problemsOf({ ...awsEnv(), OVS_EDX_RETRY_BASE_DELAY_SECONDS: "60" })).toEqual([
      "OVS_EDX_RETRY_BASE_DELAY_SECONDS: expected at most OVS_EDX_RETRY_MAX_DELAY_SECONDS (30), got 60",
    ]);
  });
});

describe("describeConfig", () => {
  it("prints one NAME=value line per variable, marking defaults and unset ones", () => {
    const report = describeConfig(configOf({ PORT: "8080", OVS_DATA_DIR: "/srv/ovs" }));
    const lines = report.split("\n");
    expect(lines[0]).toBe("OVS_PROFILE=local (default)");
    expect(lines).toContain("PORT=8080");
    expect(lines).toContain("ODL_VIDEO_BASE_URL=http://127.0.0.1:8080 (default)");
    expect(lines).toContain("OVS_SECRET_KEY=**** (generated)");
    expect(lines).toContain("OVS_DATA_DIR=/srv/ovs");
    expect(lines).toContain("DATABASE_URL= (not set: PGlite under OVS_DATA_DIR)");
    expect(lines).toContain("OVS_INGEST_LEASE_TTL_SECONDS=120 (default)");
    expect(lines).toContain("VIDEO_S3_BUCKET=ovs-uploads (default)");
    expect(lines.every((line) => /^[A-Z0-9_]+=/.test(line))).toBe(true);
    expect(describeConfig(configOf({}))).toContain("PORT=3000 (default)");
  });

  it("keeps one stable order, whatever the order of the environment", () => {
    const env = awsEnv();
    const reversed = Object.fromEntries(Object.entries(env).reverse());
    const names = (config: AppConfig) =>
      describeConfig(config)
        .split("\n")
        .map((line) => line.split("=")[0]);
    expect(names(configOf(reversed))).toEqual(names(configOf(env)));
    expect(new Set(names(configOf(env))).size).toBe(names(configOf(env)).length);
  });

  it("covers every aws variable, and masks secrets with **** alone", () => {
    const report = describeConfig(configOf(awsEnv()));
    const lines = report.split("\n");
    for (const name of REQUIRED_IN_AWS) expect(lines.some((line) => line.startsWith(`${name}=`))).toBe(true);
    expect(lines).toContain("OVS_SECRET_KEY=****");
    expect(lines).toContain("CLOUDFRONT_PRIVATE_KEY=****");
    expect(lines).toContain("MAILGUN_KEY=****");
    expect(lines).toContain("DATABASE_URL=postgres://ovs:****@db.example.edu:5432/ovs");
    expect(lines).toContain("AWS_S3_UPLOAD_MAX_CONCURRENCY=4 (default)");
    expect(lines).toContain("OVS_URL_SOURCE_MAX_BYTES=21474836480 (default)");
    expect(lines).toContain("SOCIAL_AUTH_KEYCLOAK_SECRET=****");
  });

  it("shows effective values: normalised as they are used", () => {
    const lines = describeConfig(
      configOf({
        ...awsEnv(),
        PORT: " 8081 ",
        VIDEO_CLOUDFRONT_DIST: "D111111ABCDEF8.cloudfront.net",
        OVS_URL_SOURCE_ALLOWED_RANGES: "10.0.0.0/8, fd00::/8,",
        OVS_S3_FORCE_PATH_STYLE: "TRUE",
      }),
    ).split("\n");
    expect(lines).toContain("PORT=8081");
    expect(lines).toContain("ODL_VIDEO_BASE_URL=https://video.example.edu");
    expect(lines).toContain("VIDEO_CLOUDFRONT_DIST=d111111abcdef8");
    expect(lines).toContain("OVS_URL_SOURCE_ALLOWED_RANGES=10.0.0.0/8,fd00::/8");
    expect(lines).toContain("OVS_S3_FORCE_PATH_STYLE=true");
    expect(lines).toContain("AWS_S3_UPLOAD_MULTIPART_CHUNKSIZE_MB=5 (default)");
    expect(lines).toContain("OVS_PLAYBACK_GRANT_SECONDS=21600 (default)");
  });

  it("never shows a secret, in the report or in the configuration's JSON", () => {
    const config = configOf(awsEnv());
    const report = describeConfig(config);
    const json = JSON.stringify(config);
    for (const value of [...Object.values(SECRETS), RSA_KEY, "PRIVATE KEY"]) {
      expect(report).not.toContain(value);
      expect(json).not.toContain(value);
    }
  });

  it("never shows a secret in an error", () => {
    const env = {
      ...awsEnv(),
      OVS_SECRET_KEY: "short-secret-abc",
      OVS_TRANSCODE_WEBHOOK_SECRET: "short-webhook-xyz",
      DATABASE_URL: `mysql://ovs:${SECRETS.DATABASE_PASSWORD}@db/ovs`,
      CLOUDFRONT_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\\nbroken-key-material\\n-----END PRIVATE KEY-----",
      OVS_OIDC_CLIENT_AUTH_METHOD: "basic",
    };
    const read = readConfig(env);
    if (Either.isRight(read)) throw new Error("the configuration was accepted");
    const text = `${read.left.message}\n${String(read.left)}\n${JSON.stringify(read.left)}`;
    expect(read.left.problems).toHaveLength(5);
    for (const value of [
      "short-secret-abc",
      "short-webhook-xyz",
      SECRETS.DATABASE_PASSWORD,
      "broken-key-material",
    ]) {
      expect(text).not.toContain(value);
    }
  });
});

describe("readConfig, protected playback", () => {
  it("reads the grant's lifetime and window, and the signed cookies, in every profile", () => {
    for (const env of [{ OVS_PROFILE: "local" }, awsEnv()]) {
      const config = configOf({
        ...env,
        OVS_PLAYBACK_GRANT_SECONDS: "10800",
        OVS_CDN_SIGNATURE_WINDOW_SECONDS: "600",
        OVS_PLAYBACK_SIGNED_COOKIES: "true",
        OVS_PLAYBACK_COOKIE_DOMAIN: "video.example.edu",
      });
      expect(config.playback).toEqual({
        grantLifetime: Duration.seconds(10800),
        grantWindow: Duration.seconds(600),
        signedCookies: true,
        cookieDomain: "video.example.edu",
      });
    }
  });

  it("refuses the grant lifetime under its old name, naming the new one", () => {
    expect(problemsOf({ OVS_PROFILE: "local", OVS_CDN_SIGNATURE_TTL_SECONDS: "3600" })).toEqual([
      "OVS_CDN_SIGNATURE_TTL_SECONDS: renamed to OVS_PLAYBACK_GRANT_SECONDS; set that instead",
    ]);
  });

  it("refuses a grant that never lasts, and a cookie domain that is not a domain name", () => {
    const problems = problemsOf({
      OVS_PROFILE: "local",
      OVS_PLAYBACK_GRANT_SECONDS: "0",
      OVS_PLAYBACK_SIGNED_COOKIES: "sometimes",
      OVS_PLAYBACK_COOKIE_DOMAIN: "https://video.example.edu/",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^OVS_PLAYBACK_GRANT_SECONDS: /),
      expect.stringMatching(/^OVS_PLAYBACK_SIGNED_COOKIES: /),
      expect.stringMatching(
        /^OVS_PLAYBACK_COOKIE_DOMAIN: expected a domain name such as video\.example\.edu/,
      ),
    ]);
  });
});
