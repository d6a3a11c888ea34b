import { Schema } from "effect";
import { VideoKeySchema } from "./keys.js";

/** Upstream `EncodeJob.State` (IntegerChoices); the number is what the database stores. */
export const ENCODE_JOB_STATES = ["Submitted", "Progressing", "Error", "Warning", "Complete"] as const;
export const EncodeJobState = Schema.Literal(...ENCODE_JOB_STATES);
export type EncodeJobState = typeof EncodeJobState.Type;

export const encodeJobStateCode = (state: EncodeJobState): number => ENCODE_JOB_STATES.indexOf(state);
export const encodeJobStateFromCode = (code: number): EncodeJobState | undefined => ENCODE_JOB_STATES[code];

/** Whether the job writes the live outputs or the retranscode staging prefix. */
export const EncodeJobPurpose = Schema.Literal("transcode", "retranscode");
export type EncodeJobPurpose = typeof EncodeJobPurpose.Type;

/**
 * One transcode job submitted for a video. The id is the transcoder's job id. Unlike upstream,
 * a submission that failed before the transcoder returned an id records no job at all: the
 * video gets a failure status instead.
 */
export const EncodeJob = Schema.Struct({
  id: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)),
  videoKey: VideoKeySchema,
  purpose: EncodeJobPurpose,
  state: EncodeJobState,
  /** Transcoder error code and message when the job failed. */
  errorCode: Schema.NullOr(Schema.Int),
  errorMessage: Schema.NullOr(Schema.String),
  /** The raw request, job or event payload last seen, for operators. */
  message: Schema.Unknown,
  createdAt: Schema.DateFromSelf,
  lastModified: Schema.DateFromSelf,
});
export type EncodeJob = typeof EncodeJob.Type;
