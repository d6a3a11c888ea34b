import { Data } from "effect";
import type { Effect } from "effect";
import type { EncodeJobPurpose } from "../model/encode-job.js";
import type { VideoKey } from "../model/keys.js";
import type { ObjectLocation } from "./object-store.js";

/**
 * What to transcode and where the outputs go. The adapter turns it into a MediaConvert job (or
 * an ffmpeg run) with the same outputs and key layout.
 */
export interface TranscodeRequest {
  readonly videoKey: VideoKey;
  readonly purpose: EncodeJobPurpose;
  readonly input: ObjectLocation;
  /** Outputs are written as `<prefix>/video…` in this bucket. */
  readonly destination: { readonly bucket: string; readonly prefix: string };
  /** Null when no thumbnail is wanted (retranscodes keep the existing one). */
  readonly thumbnail: { readonly bucket: string; readonly prefix: string } | null;
  /** Watch-bucket videos get HLS only. */
  readonly includeMp4: boolean;
  /** Portrait for collections of shorts. */
  readonly orientation: "landscape" | "portrait";
}

export interface TranscodedThumbnail extends ObjectLocation {
  readonly width: number | null;
  readonly height: number | null;
}

/**
 * The result of a finished job, from the completion event or from asking the transcoder.
 * `videoKey` is the video the job says it belongs to; jobs the previous system submitted carry
 * none, and are matched to their video through the job id alone.
 */
export type TranscodeOutcome =
  | {
      readonly _tag: "TranscodeSucceeded";
      readonly jobId: string;
      readonly videoKey?: VideoKey;
      /** The `…__index.m3u8` playlist the HLS file row points at. */
      readonly hlsPlaylist: ObjectLocation;
      readonly mp4: ObjectLocation | null;
      readonly thumbnails: ReadonlyArray<TranscodedThumbnail>;
      /** Duration of the first output, in seconds. */
      readonly durationSeconds: number | null;
    }
  | {
      readonly _tag: "TranscodeFailed";
      readonly jobId: string;
      readonly videoKey?: VideoKey;
      readonly errorCode: number | null;
      readonly errorMessage: string;
    };

export type JobDescription =
  | { readonly _tag: "InProgress"; readonly jobId: string; readonly state: "Submitted" | "Progressing" }
  | { readonly _tag: "Finished"; readonly outcome: TranscodeOutcome }
  | { readonly _tag: "Unknown"; readonly jobId: string };

/** Submitting or describing failed. `transient` failures (throttling, 5xx, network) may be retried. */
export class TranscoderFailure extends Data.TaggedError("TranscoderFailure")<{
  readonly operation: "submit" | "describe";
  readonly transient: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    return `transcoder ${this.operation} failed: ${this.reason}`;
  }
}

export interface Transcoder {
  submit(request: TranscodeRequest): Effect.Effect<{ readonly jobId: string }, TranscoderFailure>;
  describe(jobId: string): Effect.Effect<JobDescription, TranscoderFailure>;
}
export const Transcoder = Symbol.for("ovs/Transcoder");
