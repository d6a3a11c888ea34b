import { Schema } from "effect";
import { VideoKeySchema } from "../../model/keys.js";
import type { TranscodeOutcome } from "../../ports/transcoder.js";

const NonEmptyString = Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" }));

const ObjectLocationSchema = Schema.Struct({ bucket: NonEmptyString, key: NonEmptyString });

/** Frame sizes; upstream stores 0 when MediaConvert leaves one out, which reads as unknown. */
const FrameSize = Schema.NullOr(Schema.Int.pipe(Schema.nonNegative()));

const TranscodedThumbnailSchema = Schema.Struct({
  bucket: NonEmptyString,
  key: NonEmptyString,
  width: FrameSize,
  height: FrameSize,
});

const TranscodeSucceededSchema = Schema.TaggedStruct("TranscodeSucceeded", {
  jobId: NonEmptyString,
  videoKey: Schema.optionalWith(VideoKeySchema, { exact: true }),
  hlsPlaylist: ObjectLocationSchema,
  mp4: Schema.NullOr(ObjectLocationSchema),
  thumbnails: Schema.Array(TranscodedThumbnailSchema),
  durationSeconds: Schema.NullOr(Schema.Number.pipe(Schema.finite(), Schema.nonNegative())),
});

const TranscodeFailedSchema = Schema.TaggedStruct("TranscodeFailed", {
  jobId: NonEmptyString,
  videoKey: Schema.optionalWith(VideoKeySchema, { exact: true }),
  errorCode: Schema.NullOr(Schema.Int),
  errorMessage: Schema.String,
});

/**
 * A finished job as the `transcode.outcome` queue carries it (the webhook and the local
 * transcoder enqueue it as JSON). Video keys are accepted dashed or as hex, and may be absent
 * for jobs the previous system submitted.
 */
export const TranscodeOutcomeSchema: Schema.Schema<TranscodeOutcome, TranscodeOutcomeEncoded> = Schema.Union(
  TranscodeSucceededSchema,
  TranscodeFailedSchema,
);
export type TranscodeOutcomeEncoded =
  typeof TranscodeSucceededSchema.Encoded | typeof TranscodeFailedSchema.Encoded;

/** The `transcode.outcome` payload: the job id it was enqueued under, and the outcome. */
export const TranscodeOutcomePayloadSchema = Schema.Struct({
  jobId: NonEmptyString,
  outcome: TranscodeOutcomeSchema,
});
