import { Data, Either } from "effect";
import type { VideoStatus } from "../model/video.js";

/**
 * The video lifecycle as a pure state machine. Every status write in OVS names one of these
 * events; the machine says what the next status is, or refuses. Writers then store the result
 * with compare-and-set on the status they read, so a late or duplicate event can never
 * overwrite a newer state.
 */
export const VIDEO_EVENTS = [
  /** The ingest worker took the lease; also a redelivered ingest resuming after a crash. */
  "IngestStarted",
  /** Permanent source error or retries exhausted. */
  "IngestFailed",
  /** The janitor found an upload whose lease and heartbeat expired. */
  "StuckUploadReaped",
  /** A first transcode was accepted by the transcoder. */
  "TranscodeSubmitted",
  /** The transcoder refused or could not be reached while submitting. */
  "SubmitFailed",
  "TranscodeCompleted",
  "TranscodeErrored",
  /** Reconciliation found no trace of the job the video waits for. */
  "TranscodeJobLost",
  "RetranscodeScheduled",
  "RetranscodeSubmitted",
  /** An admin retried a failed upload. */
  "UploadRetried",
  /** An admin replaced the video's source; the old outputs stay live until the new ones complete. */
  "Replaced",
] as const;
export type VideoEvent = (typeof VIDEO_EVENTS)[number];

export class IllegalTransition extends Data.TaggedError("IllegalTransition")<{
  readonly from: VideoStatus;
  readonly event: VideoEvent;
}> {
  override get message(): string {
    return `a video in status '${this.from}' cannot take event ${this.event}`;
  }
}

type Transitions = { readonly [E in VideoEvent]: Partial<Readonly<Record<VideoStatus, VideoStatus>>> };

/** Settled statuses: nothing is running for the video, so its source may be replaced. */
const REPLACEABLE: ReadonlyArray<VideoStatus> = [
  "Complete",
  "Upload failed",
  "Transcode failed internal error",
  "Transcode failed video error",
  "Retranscode failed error",
  "Error",
];

export const TRANSITIONS: Transitions = {
  IngestStarted: { Created: "Uploading", Uploading: "Uploading" },
  IngestFailed: { Uploading: "Upload failed" },
  StuckUploadReaped: { Uploading: "Upload failed" },
  // Watch-bucket videos are copied server-side and go from Created straight to Transcoding.
  TranscodeSubmitted: { Created: "Transcoding", Uploading: "Transcoding" },
  SubmitFailed: {
    Created: "Transcode failed internal error",
    Uploading: "Transcode failed internal error",
    "Retranscode scheduled": "Retranscode failed error",
  },
  TranscodeCompleted: { Transcoding: "Complete", Retranscoding: "Complete" },
  TranscodeErrored: {
    Transcoding: "Transcode failed video error",
    Retranscoding: "Retranscode failed error",
  },
  TranscodeJobLost: {
    Transcoding: "Transcode failed internal error",
    Retranscoding: "Retranscode failed error",
  },
  // A replaced source is re-uploaded (Uploading) and then retranscoded into staging.
  RetranscodeScheduled: {
    Complete: "Retranscode scheduled",
    "Retranscode failed error": "Retranscode scheduled",
    Uploading: "Retranscode scheduled",
  },
  RetranscodeSubmitted: { "Retranscode scheduled": "Retranscoding" },
  UploadRetried: { "Upload failed": "Created" },
  Replaced: Object.fromEntries(REPLACEABLE.map((status) => [status, "Created"])),
};

export const nextStatus = (
  from: VideoStatus,
  event: VideoEvent,
): Either.Either<VideoStatus, IllegalTransition> => {
  const to = TRANSITIONS[event][from];
  return to === undefined ? Either.left(new IllegalTransition({ from, event })) : Either.right(to);
};

export const canTake = (from: VideoStatus, event: VideoEvent): boolean =>
  TRANSITIONS[event][from] !== undefined;

/** Statuses from which an event applies; the repository's compare-and-set uses them. */
export const statusesAccepting = (event: VideoEvent): ReadonlyArray<VideoStatus> =>
  Object.keys(TRANSITIONS[event]) as ReadonlyArray<VideoStatus>;
