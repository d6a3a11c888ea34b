import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { MediaConvertClient } from "@aws-sdk/client-mediaconvert";
import { S3Client } from "@aws-sdk/client-s3";
import { Redacted } from "effect";

/**
 * Static credentials (upstream `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). Leave them out to
 * use the SDK's default chain (instance role, web identity, SSO, shared files).
 */
export interface AwsCredentialsSettings {
  readonly accessKeyId: string;
  /** Redacted, so it never shows in errors or logs. */
  readonly secretAccessKey: Redacted.Redacted<string>;
  readonly sessionToken?: Redacted.Redacted<string>;
}

/** What every client needs; the app reads these once at start (docs/architecture.md §4). */
export interface AwsClientSettings {
  /** `AWS_REGION`. */
  readonly region: string;
  readonly credentials?: AwsCredentialsSettings;
  /** Attempts per call, the first included; the SDK retries transient failures itself. */
  readonly maxAttempts?: number;
  /** Milliseconds to open a connection before giving up on it. */
  readonly connectionTimeoutMillis?: number;
  /** Milliseconds a socket may stay idle during a request before it is dropped. */
  readonly socketTimeoutMillis?: number;
}

export interface S3ClientSettings extends AwsClientSettings {
  /** `OVS_S3_ENDPOINT_URL`: an S3-compatible endpoint (tests, MinIO); AWS's own when left out. */
  readonly endpoint?: string;
  /** `OVS_S3_FORCE_PATH_STYLE`: `http://host/bucket/key` instead of virtual-hosted buckets. */
  readonly forcePathStyle?: boolean;
  /**
   * `WHEN_REQUIRED` sends checksums only where S3 demands them (DeleteObjects), which
   * S3-compatible servers without flexible checksums (s3rver) need; AWS accepts either.
   */
  readonly checksums?: "WHEN_SUPPORTED" | "WHEN_REQUIRED";
}

export interface MediaConvertClientSettings extends AwsClientSettings {
  /**
   * `VIDEO_S3_TRANSCODE_ENDPOINT`: an account endpoint, for deployments that still use one.
   * Left out, the SDK uses the regional endpoint `mediaconvert.<region>.amazonaws.com`, so no
   * `DescribeEndpoints` call is ever made.
   */
  readonly endpoint?: string;
}

const handlerOptions = (settings: AwsClientSettings) => ({
  ...(settings.connectionTimeoutMillis === undefined
    ? {}
    : { connectionTimeout: settings.connectionTimeoutMillis }),
  ...(settings.socketTimeoutMillis === undefined ? {} : { requestTimeout: settings.socketTimeoutMillis }),
});

const credentialsOf = (credentials: AwsCredentialsSettings) => ({
  accessKeyId: credentials.accessKeyId,
  secretAccessKey: Redacted.value(credentials.secretAccessKey),
  ...(credentials.sessionToken === undefined
    ? {}
    : { sessionToken: Redacted.value(credentials.sessionToken) }),
});

const commonOptions = (settings: AwsClientSettings) => ({
  region: settings.region,
  ...(settings.credentials === undefined ? {} : { credentials: credentialsOf(settings.credentials) }),
  ...(settings.maxAttempts === undefined ? {} : { maxAttempts: settings.maxAttempts }),
  requestHandler: handlerOptions(settings),
});

export const createS3Client = (settings: S3ClientSettings): S3Client =>
  new S3Client({
    ...commonOptions(settings),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.forcePathStyle === undefined ? {} : { forcePathStyle: settings.forcePathStyle }),
    ...(settings.checksums === undefined
      ? {}
      : {
          requestChecksumCalculation: settings.checksums,
          responseChecksumValidation: settings.checksums,
        }),
  });

export const createMediaConvertClient = (settings: MediaConvertClientSettings): MediaConvertClient =>
  new MediaConvertClient({
    ...commonOptions(settings),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
  });

/** CloudFront is a global service whose API lives in us-east-1 whatever the deployment's region. */
export const createCloudFrontClient = (settings: Omit<AwsClientSettings, "region">): CloudFrontClient =>
  new CloudFrontClient({ ...commonOptions({ ...settings, region: "us-east-1" }) });
