import { createPrivateKey } from "node:crypto";
import { isIP } from "node:net";
import { Duration, Schema } from "effect";
import type { Redacted } from "effect";

/**
 * How one environment variable is read: the schema that decodes its text, and what a good value
 * looks like, which is all a problem line says about a bad one. The schema's own messages are
 * never shown: they can quote the value, and a secret must not leave the process.
 */
export interface EnvValue<A> {
  readonly schema: Schema.Schema<A, string>;
  /** Completes "expected …" in the line naming a missing or malformed value. */
  readonly expected: string;
  /** Never quoted in a problem line, and shown as `****` by the configuration report. */
  readonly secret: boolean;
  /** How the report shows a value that is secret only in part: a database URL, all but its password. */
  readonly show?: (text: string) => string;
}

const envValue = <A>(
  schema: Schema.Schema<A, string>,
  expected: string,
  options: { readonly secret?: boolean; readonly show?: (text: string) => string } = {},
): EnvValue<A> => ({
  schema,
  expected,
  secret: options.secret ?? false,
  ...(options.show === undefined ? {} : { show: options.show }),
});

const MEBIBYTE = 1024 * 1024;
/** Durations are bounded so their milliseconds stay exact and a typo of extra digits is caught. */
export const MAX_SECONDS = 365 * 24 * 60 * 60;

/** Digits only: `NumberFromString` alone would take `1e3`, ` 12` and `0x10`. */
const Digits = Schema.String.pipe(Schema.pattern(/^\d+$/), Schema.compose(Schema.NumberFromString));

const integerSchema = (min: number, max: number) =>
  Digits.pipe(Schema.compose(Schema.Int.pipe(Schema.between(min, max))));

export const integer = (min: number, max: number): EnvValue<number> =>
  envValue(integerSchema(min, max), `an integer between ${min} and ${max}`);

/** A count of bytes, as large as a JavaScript number counts exactly. */
export const bytes = (): EnvValue<number> =>
  envValue(integerSchema(1, Number.MAX_SAFE_INTEGER), "a whole number of bytes greater than 0");

/** Sizes given in MiB (`…_MB` names) become bytes. */
export const mebibytes = (min: number, max: number): EnvValue<number> =>
  envValue(
    Schema.transform(integerSchema(min, max), Schema.Number, {
      strict: true,
      decode: (count) => count * MEBIBYTE,
      encode: (byteCount) => byteCount / MEBIBYTE,
    }),
    `a whole number of MiB between ${min} and ${max}`,
  );

/** Durations are given in whole seconds (docs/architecture.md §5.8). */
export const seconds = (min: 0 | 1): EnvValue<Duration.Duration> =>
  envValue(
    Schema.transform(integerSchema(min, MAX_SECONDS), Schema.DurationFromSelf, {
      strict: true,
      decode: (count) => Duration.seconds(count),
      encode: (duration) => Duration.toSeconds(duration),
    }),
    `a whole number of seconds between ${min} and ${MAX_SECONDS}`,
  );

/** The AWS SDK takes its timeouts in milliseconds. */
export const secondsAsMillis = (): EnvValue<number> =>
  envValue(
    Schema.transform(integerSchema(1, MAX_SECONDS), Schema.Number, {
      strict: true,
      decode: (count) => count * 1000,
      encode: (millis) => millis / 1000,
    }),
    `a whole number of seconds between 1 and ${MAX_SECONDS}`,
  );

/** `true` or `false` in any case, and nothing else: a typo must not read as false. */
export const boolean = (): EnvValue<boolean> =>
  envValue(
    Schema.transform(
      Schema.String.pipe(Schema.filter((text) => /^(true|false)$/i.test(text))),
      Schema.Boolean,
      { strict: true, decode: (text) => text.toLowerCase() === "true", encode: (flag) => String(flag) },
    ),
    "true or false",
  );

export const oneOf = <const L extends string>(...literals: ReadonlyArray<L>): EnvValue<L> =>
  envValue(
    Schema.String.pipe(
      Schema.filter((text): text is L => (literals as ReadonlyArray<string>).includes(text)),
    ),
    `one of ${literals.join(", ")}`,
  );

/** Free text; the reader has already refused an empty value. */
export const text = (expected: string, pattern?: RegExp): EnvValue<string> =>
  envValue(pattern === undefined ? Schema.String : Schema.String.pipe(Schema.pattern(pattern)), expected);

export const email = (): EnvValue<string> =>
  text("an email address such as video@example.edu", /^[^\s@]+@[^\s@]+$/);

/**
 * S3's rules for bucket names; the local profile keeps one folder per bucket, so the same names
 * are safe file names there too.
 */
export const bucketName = (): EnvValue<string> =>
  text(
    "an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
    /^(?!xn--)(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  );

const parsedUrl = (value: string): URL | null => {
  try {
    return new URL(value);
  } catch {
    return null;
  }
};

const hasScheme = (value: string, schemes: ReadonlyArray<string>): boolean => {
  const url = parsedUrl(value);
  return url !== null && schemes.includes(url.protocol) && url.hostname !== "";
};

/** An absolute URL on one of `schemes`, kept as written. */
export const url = (schemes: "http(s)" | "https", example: string): EnvValue<string> => {
  const accepted = schemes === "https" ? ["https:"] : ["http:", "https:"];
  return envValue(
    Schema.String.pipe(Schema.filter((value) => hasScheme(value, accepted))),
    `an absolute ${schemes} URL such as ${example}`,
  );
};

/**
 * The service's public address: links are built by appending paths to it, so it carries no
 * query or fragment and loses its trailing slashes.
 */
export const baseUrl = (): EnvValue<string> =>
  envValue(
    Schema.transform(
      Schema.String.pipe(
        Schema.filter((value) => {
          const parsed = parsedUrl(value);
          return (
            parsed !== null &&
            hasScheme(value, ["http:", "https:"]) &&
            parsed.search === "" &&
            parsed.hash === "" &&
            parsed.username === "" &&
            parsed.password === ""
          );
        }),
      ),
      Schema.String,
      {
        strict: true,
        decode: (value) => {
          const parsed = new URL(value);
          return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
        },
        encode: (value) => value,
      },
    ),
    "an absolute http(s) URL without query or fragment, such as https://video.example.edu",
  );

/**
 * The CDN's own address when it is a custom domain: media URLs are `https://<host>/<key>`, so
 * only the host is kept and a path would be lost; hence none is accepted.
 */
export const cdnBaseUrl = (): EnvValue<string> =>
  envValue(
    Schema.transform(
      Schema.String.pipe(
        Schema.filter((value) => {
          const parsed = parsedUrl(value);
          return (
            parsed !== null &&
            parsed.protocol === "https:" &&
            parsed.hostname !== "" &&
            parsed.pathname === "/" &&
            parsed.search === "" &&
            parsed.hash === "" &&
            parsed.username === ""
          );
        }),
      ),
      Schema.String,
      { strict: true, decode: (value) => new URL(value).host, encode: (host) => `https://${host}/` },
    ),
    "an https URL of the CDN's root such as https://media.example.edu/",
  );

/** `d111111abcdef8` (upstream's form), or the whole `d111111abcdef8.cloudfront.net`: the host either way. */
export const cloudFrontDistribution = (): EnvValue<string> =>
  envValue(
    Schema.transform(
      Schema.String.pipe(Schema.pattern(/^[a-z0-9][a-z0-9-]*(\.cloudfront\.net)?$/i)),
      Schema.String,
      {
        strict: true,
        decode: (value) => {
          const label = value.toLowerCase().replace(/\.cloudfront\.net$/, "");
          return `${label}.cloudfront.net`;
        },
        encode: (host) => host.replace(/\.cloudfront\.net$/, ""),
      },
    ),
    "a CloudFront distribution's subdomain such as d111111abcdef8",
  );

/** A secret; `minLength` guards values that sign or authenticate. */
export const secret = (minLength = 1): EnvValue<Redacted.Redacted<string>> =>
  envValue(
    Schema.Redacted(Schema.String.pipe(Schema.minLength(minLength))),
    minLength > 1 ? `a secret of at least ${minLength} characters` : "a secret",
    { secret: true },
  );

const isRsaPrivateKey = (pem: string): boolean => {
  try {
    return createPrivateKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
};

/**
 * A PEM RSA private key. Environment files often hold it on one line with `\n` escapes, which
 * are decoded. Checked here because a key that cannot sign must stop the start, not the first
 * viewer of a protected video.
 */
export const rsaPrivateKey = (): EnvValue<Redacted.Redacted<string>> =>
  envValue(
    Schema.Redacted(
      Schema.transform(Schema.String, Schema.String, {
        strict: true,
        decode: (value) => value.replace(/\\n/g, "\n"),
        encode: (value) => value,
      }).pipe(Schema.filter(isRsaPrivateKey)),
    ),
    "an RSA private key in PEM form (`\\n` escapes allowed)",
    { secret: true },
  );

/** Shows a database URL with its password masked: the rest says which database is used. */
const maskPassword = (value: string): string => {
  const parsed = parsedUrl(value);
  if (parsed === null) return "****";
  if (parsed.password !== "") parsed.password = "****";
  return parsed.href;
};

/** A Postgres connection URL; it may carry a password, so it stays redacted. */
export const postgresUrl = (): EnvValue<Redacted.Redacted<string>> =>
  envValue(
    Schema.Redacted(
      Schema.String.pipe(Schema.filter((value) => hasScheme(value, ["postgres:", "postgresql:"]))),
    ),
    "a Postgres URL such as postgres://user@host:5432/db",
    { secret: true, show: maskPassword },
  );

const isCidr = (range: string): boolean => {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(range);
  if (match === null) return false;
  const family = isIP(match[1] ?? "");
  const prefix = Number(match[2]);
  return (family === 4 && prefix <= 32) || (family === 6 && prefix <= 128);
};

const listItems = (value: string): ReadonlyArray<string> =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

export const cidrList = (): EnvValue<ReadonlyArray<string>> =>
  envValue(
    Schema.transform(
      Schema.String.pipe(Schema.filter((value) => listItems(value).every(isCidr))),
      Schema.Array(Schema.String),
      { strict: true, decode: listItems, encode: (ranges) => ranges.join(",") },
    ),
    "comma-separated CIDR ranges such as 10.0.0.0/8,fd00::/8",
  );

export const awsRegion = (): EnvValue<string> =>
  text("an AWS region such as us-east-1", /^[a-z]{2}(-[a-z]+)+-\d+$/);

export const awsAccountId = (): EnvValue<string> => text("a 12-digit AWS account id", /^\d{12}$/);

/** An SNS topic's ARN, split so its region can be compared with `AWS_REGION`. */
export interface TopicArn {
  readonly arn: string;
  readonly region: string;
}

const TOPIC_ARN =
  /^arn:aws(?:-[a-z]+)*:sns:([a-z]{2}(?:-[a-z]+)+-\d+):\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

export const snsTopicArn = (): EnvValue<TopicArn> =>
  envValue(
    Schema.transform(
      Schema.String.pipe(Schema.pattern(TOPIC_ARN)),
      Schema.Struct({ arn: Schema.String, region: Schema.String }),
      {
        strict: true,
        decode: (arn) => ({ arn, region: TOPIC_ARN.exec(arn)?.[1] ?? "" }),
        encode: ({ arn }) => arn,
      },
    ),
    "an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:MediaConvertJobAlert",
  );
