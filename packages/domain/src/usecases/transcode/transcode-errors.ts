import { Data } from "effect";
import type { VideoKey } from "../../model/keys.js";

/**
 * An outcome names a transcoder job OVS has no row for (never recorded, or deleted with its
 * video). The row is what ties an outcome to its video, so nothing is changed; delivering the
 * same outcome again finds the same nothing, so a job runner drops it instead of retrying.
 */
export class UnknownEncodeJob extends Data.TaggedError("UnknownEncodeJob")<{
  readonly jobId: string;
  /** The video the outcome names, when it names one. */
  readonly videoKey?: VideoKey;
}> {
  override get message(): string {
    const named = this.videoKey === undefined ? "" : ` (the outcome names video ${this.videoKey})`;
    return `no transcode job ${this.jobId} was recorded, so its outcome matches no video${named}`;
  }
}

/** The outcome says it is about another video than the one its job was submitted for. */
export class OutcomeDoesNotMatchJob extends Data.TaggedError("OutcomeDoesNotMatchJob")<{
  readonly jobId: string;
  readonly jobVideoKey: VideoKey;
  readonly outcomeVideoKey: VideoKey;
}> {
  override get message(): string {
    return `transcode job ${this.jobId} belongs to video ${this.jobVideoKey}, but its outcome names ${this.outcomeVideoKey}`;
  }
}

/**
 * A reported output lies outside the bucket and folder the job was told to write to. Nothing
 * is recorded: a file row pointing there would serve someone else's object.
 */
export class UnexpectedTranscodeOutput extends Data.TaggedError("UnexpectedTranscodeOutput")<{
  readonly jobId: string;
  readonly bucket: string;
  readonly key: string;
  readonly expected: string;
}> {
  override get message(): string {
    return `transcode job ${this.jobId} reported ${this.bucket}/${this.key}, outside ${this.expected}`;
  }
}
