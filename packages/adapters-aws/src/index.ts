/**
 * `@ovs/adapters-aws`: the AWS side of the `aws` profile. Each adapter takes an SDK client and
 * its settings from the app (it reads no environment variables itself); the README lists the
 * settings with their upstream names.
 */
export * from "./aws-clients.js";
export { classifyAwsError } from "./aws-errors.js";
export type { AwsErrorClassification } from "./aws-errors.js";
export * from "./cloudfront-invalidator.js";
export * from "./cloudfront-urls.js";
export * from "./mediaconvert-events.js";
export * from "./mediaconvert-job.js";
export { parseS3Uri, succeededOutcome } from "./mediaconvert-outputs.js";
export type { OutputBuckets, ReportedOutput, ReportedOutputGroup } from "./mediaconvert-outputs.js";
export * from "./mediaconvert-transcoder.js";
export * from "./s3-object-store.js";
export * from "./sns-messages.js";
