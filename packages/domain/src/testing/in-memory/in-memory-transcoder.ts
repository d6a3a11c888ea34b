import { Effect } from "effect";
import { THUMBNAIL_NAME, TRANSCODE_OUTPUT_NAMES } from "../../model/storage-keys.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { ObjectLocation } from "../../ports/object-store.js";
import type {
  JobDescription,
  TranscodedThumbnail,
  Transcoder,
  TranscodeOutcome,
  TranscodeRequest,
} from "../../ports/transcoder.js";
import { TranscoderFailure } from "../../ports/transcoder.js";
import type { InMemoryObjectStore } from "./in-memory-object-store.js";

export type TranscodeSucceeded = Extract<TranscodeOutcome, { readonly _tag: "TranscodeSucceeded" }>;
export type TranscodeFailed = Extract<TranscodeOutcome, { readonly _tag: "TranscodeFailed" }>;

export interface SubmittedTranscode {
  readonly jobId: string;
  readonly request: TranscodeRequest;
}

/** What a test may change about a completed job; the rest follows from the request. */
export interface CompletionOverrides {
  readonly durationSeconds?: number | null;
  /** Frame size of the thumbnail; 1920×1080 (1080×1920 portrait) by default. */
  readonly width?: number | null;
  readonly height?: number | null;
  readonly hlsPlaylist?: ObjectLocation;
  readonly mp4?: ObjectLocation | null;
  readonly thumbnails?: ReadonlyArray<TranscodedThumbnail>;
}

interface JobRecord {
  readonly request: TranscodeRequest;
  state: "Submitted" | "Progressing";
  outcome: TranscodeOutcome | null;
}

interface ScriptedFailure {
  readonly operation: "submit" | "describe";
  readonly transient: boolean;
  readonly reason: string;
  remaining: number;
}

export const DEFAULT_DURATION_SECONDS = 60;

const HLS_VARIANT_SEGMENT = (variant: string): string => `${variant.replace(/\.m3u8$/, "")}_00001.ts`;

const joinKey = (prefix: string, name: string): string => `${prefix.replace(/\/+$/, "")}/${name}`;

/**
 * A transcoder that runs nothing: jobs stay in progress until the test finishes them with
 * `complete` (a realistic success built from the request, with the upstream output names) or
 * `fail`. When given a store, `complete` also writes the output objects — playlists, a segment
 * per variant, the MP4 and the thumbnail — so moves, deletes and playback can be exercised.
 * Test hooks: `submissions`, `requestOf`, `progress`, `complete`, `fail`, `failNext`, and
 * `forget` / `restart` for a transcoder that loses its jobs (the local ffmpeg transcoder keeps
 * them in memory): a forgotten job is `Unknown` to `describe`.
 */
export class InMemoryTranscoder implements Transcoder {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly submitted: Array<SubmittedTranscode> = [];
  private readonly scriptedFailures: Array<ScriptedFailure> = [];
  private sequence = 0;

  /**
   * Job ids count up from 1 by default, so tests can predict them; pass `ids` when jobs outlive the
   * process (a database that keeps encode jobs across runs), so ids never repeat.
   */
  constructor(
    private readonly outputStore?: InMemoryObjectStore,
    private readonly options: { readonly ids?: IdGenerator } = {},
  ) {}

  /** Every accepted submission, oldest first. */
  get submissions(): ReadonlyArray<SubmittedTranscode> {
    return [...this.submitted];
  }

  /** The request a job was submitted with, forgotten jobs included. */
  requestOf(jobId: string): TranscodeRequest {
    const submission = this.submitted.find((candidate) => candidate.jobId === jobId);
    return submission?.request ?? this.job(jobId).request;
  }

  /** Makes the next `times` calls of `operation` fail before doing anything. */
  failNext(
    operation: "submit" | "describe",
    failure: { readonly transient: boolean; readonly reason?: string; readonly times?: number },
  ): void {
    this.scriptedFailures.push({
      operation,
      transient: failure.transient,
      reason: failure.reason ?? `scripted ${operation} failure`,
      remaining: failure.times ?? 1,
    });
  }

  /**
   * Forgets one job, as a transcoder that lost it would: `describe` answers `Unknown` and the
   * job can no longer be finished. It stays in `submissions`.
   */
  forget(jobId: string): void {
    this.job(jobId);
    this.jobs.delete(jobId);
  }

  /** Forgets every job, finished or not, as a transcoder that keeps its jobs in memory does when it restarts. */
  restart(): void {
    this.jobs.clear();
  }

  /** Moves a submitted job to MediaConvert's PROGRESSING state. */
  progress(jobId: string): void {
    this.unfinished(jobId).state = "Progressing";
  }

  /** Finishes a job successfully and returns the outcome a completion event would carry. */
  complete(jobId: string, overrides: CompletionOverrides = {}): TranscodeSucceeded {
    const record = this.unfinished(jobId);
    const { request } = record;
    const { destination } = request;
    const portrait = request.orientation === "portrait";
    const width = overrides.width !== undefined ? overrides.width : portrait ? 1080 : 1920;
    const height = overrides.height !== undefined ? overrides.height : portrait ? 1920 : 1080;
    const outcome: TranscodeSucceeded = {
      _tag: "TranscodeSucceeded",
      jobId,
      videoKey: request.videoKey,
      hlsPlaylist: overrides.hlsPlaylist ?? {
        bucket: destination.bucket,
        key: joinKey(destination.prefix, TRANSCODE_OUTPUT_NAMES.hlsPlaylist),
      },
      mp4:
        overrides.mp4 !== undefined
          ? overrides.mp4
          : request.includeMp4
            ? { bucket: destination.bucket, key: joinKey(destination.prefix, TRANSCODE_OUTPUT_NAMES.mp4) }
            : null,
      thumbnails:
        overrides.thumbnails ??
        (request.thumbnail === null
          ? []
          : [
              {
                bucket: request.thumbnail.bucket,
                key: joinKey(request.thumbnail.prefix, THUMBNAIL_NAME),
                width,
                height,
              },
            ]),
      durationSeconds:
        overrides.durationSeconds !== undefined ? overrides.durationSeconds : DEFAULT_DURATION_SECONDS,
    };
    this.writeOutputs(request, outcome);
    record.outcome = outcome;
    return outcome;
  }

  /** Finishes a job with an error, as MediaConvert's ERROR event reports it. */
  fail(jobId: string, errorCode: number | null, errorMessage: string): TranscodeFailed {
    const record = this.unfinished(jobId);
    const outcome: TranscodeFailed = {
      _tag: "TranscodeFailed",
      jobId,
      videoKey: record.request.videoKey,
      errorCode,
      errorMessage,
    };
    record.outcome = outcome;
    return outcome;
  }

  submit(request: TranscodeRequest): Effect.Effect<{ readonly jobId: string }, TranscoderFailure> {
    return Effect.suspend(() => {
      const failure = this.takeScripted("submit");
      if (failure !== undefined) return Effect.fail(failure);
      this.sequence += 1;
      const jobId = `in-memory-job-${this.options.ids?.opaqueId() ?? this.sequence}`;
      this.jobs.set(jobId, { request, state: "Submitted", outcome: null });
      this.submitted.push({ jobId, request });
      return Effect.succeed({ jobId });
    });
  }

  describe(jobId: string): Effect.Effect<JobDescription, TranscoderFailure> {
    return Effect.suspend((): Effect.Effect<JobDescription, TranscoderFailure> => {
      const failure = this.takeScripted("describe");
      if (failure !== undefined) return Effect.fail(failure);
      const record = this.jobs.get(jobId);
      if (record === undefined) return Effect.succeed({ _tag: "Unknown", jobId });
      if (record.outcome !== null) return Effect.succeed({ _tag: "Finished", outcome: record.outcome });
      return Effect.succeed({ _tag: "InProgress", jobId, state: record.state });
    });
  }

  private job(jobId: string): JobRecord {
    const record = this.jobs.get(jobId);
    if (record === undefined) throw new Error(`no transcode job ${jobId} was submitted`);
    return record;
  }

  private unfinished(jobId: string): JobRecord {
    const record = this.job(jobId);
    if (record.outcome !== null) throw new Error(`transcode job ${jobId} has already finished`);
    return record;
  }

  private takeScripted(operation: "submit" | "describe"): TranscoderFailure | undefined {
    const scripted = this.scriptedFailures.find((candidate) => candidate.operation === operation);
    if (scripted === undefined) return undefined;
    scripted.remaining -= 1;
    if (scripted.remaining <= 0) this.scriptedFailures.splice(this.scriptedFailures.indexOf(scripted), 1);
    return new TranscoderFailure({ operation, transient: scripted.transient, reason: scripted.reason });
  }

  private writeOutputs(request: TranscodeRequest, outcome: TranscodeSucceeded): void {
    const store = this.outputStore;
    if (store === undefined) return;
    const { bucket, prefix } = request.destination;
    const variants = TRANSCODE_OUTPUT_NAMES.hlsVariants;
    const variantList = variants
      .map((variant) => `#EXT-X-STREAM-INF:BANDWIDTH=1000000\n${variant}`)
      .join("\n");
    const master = `#EXTM3U\n#EXT-X-VERSION:3\n${variantList}\n`;
    store.putBytes(outcome.hlsPlaylist, master, "application/x-mpegURL");
    store.putBytes(
      { bucket, key: joinKey(prefix, TRANSCODE_OUTPUT_NAMES.hlsMaster) },
      master,
      "application/x-mpegURL",
    );
    for (const variant of variants) {
      const segment = HLS_VARIANT_SEGMENT(variant);
      const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${segment}\n#EXT-X-ENDLIST\n`;
      store.putBytes({ bucket, key: joinKey(prefix, variant) }, playlist, "application/x-mpegURL");
      store.putBytes({ bucket, key: joinKey(prefix, segment) }, `segment of ${variant}`, "video/MP2T");
    }
    if (outcome.mp4 !== null) store.putBytes(outcome.mp4, "mp4 bytes", "video/mp4");
    for (const thumbnail of outcome.thumbnails) store.putBytes(thumbnail, "jpeg bytes", "image/jpeg");
  }
}
