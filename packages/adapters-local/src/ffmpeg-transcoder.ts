import { spawn } from "node:child_process";
import { constants as fsConstants, createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type {
  IdGenerator,
  JobDescription,
  ObjectLocation,
  ObjectStore,
  TranscodedThumbnail,
  Transcoder,
  TranscodeOutcome,
  TranscodeRequest,
} from "@ovs/domain";
import { RandomIdGenerator, THUMBNAIL_NAME, TRANSCODE_OUTPUT_NAMES, TranscoderFailure } from "@ovs/domain";
import { Duration, Effect, Either } from "effect";
import { failureReason, parseProbe } from "./ffmpeg-stderr.js";
import type { TranscodeTemplate } from "./ffmpeg-transcode-plan.js";
import {
  HLS_AUDIO_CODEC,
  HLS_VIDEO_CODEC,
  probeArgs,
  TRANSCODE_TEMPLATES,
  transcodeArgs,
} from "./ffmpeg-transcode-plan.js";
import type { MasterVariant } from "./hls-playlists.js";
import {
  masterPlaylist,
  measuredBandwidth,
  mediaSegments,
  playlistDurationSeconds,
} from "./hls-playlists.js";
import { jpegSize } from "./jpeg-size.js";

type TranscodeSucceeded = Extract<TranscodeOutcome, { readonly _tag: "TranscodeSucceeded" }>;
type TranscodeFailed = Extract<TranscodeOutcome, { readonly _tag: "TranscodeFailed" }>;

export type FfmpegStage = "probe" | "transcode";

export interface FfmpegSpawned {
  readonly jobId: string;
  readonly stage: FfmpegStage;
  readonly pid: number;
  readonly args: ReadonlyArray<string>;
}

export interface FfmpegExited {
  readonly jobId: string;
  readonly stage: FfmpegStage;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Observers, for logs, metrics and tests; what they throw is ignored. */
export interface FfmpegTranscoderHooks {
  readonly onSpawn?: (spawned: FfmpegSpawned) => void;
  readonly onExit?: (exited: FfmpegExited) => void;
  /** `onOutcome` failed; the outcome stays available to `describe` for the reconciliation. */
  readonly onReportFailed?: (outcome: TranscodeOutcome, error: unknown) => void;
}

export interface FfmpegTranscoderOptions {
  /** See `resolveFfmpegPath`. */
  readonly ffmpegPath: string;
  /** Where inputs are read from and outputs written to (the local profile's folder store). */
  readonly store: ObjectStore;
  /** Temporary files live in a folder of their own per job under here, removed whatever happens. */
  readonly workDirectory: string;
  /**
   * Every finished job's outcome, once: the composition passes `ReportTranscodeOutcome.run`,
   * which queues `transcode.outcome` as the MediaConvert webhook does. A job stopped by
   * `close` reports nothing.
   */
  readonly onOutcome: (outcome: TranscodeOutcome) => Promise<unknown>;
  /** Jobs run at once; the others wait in submission order. 1 by default. */
  readonly concurrency?: number;
  /** A job running longer than this (download, ffmpeg, upload) fails. 4 hours by default. */
  readonly timeout?: Duration.DurationInput;
  /** How long ffmpeg may take to stop after SIGTERM before it gets SIGKILL. 2 seconds by default. */
  readonly killGrace?: Duration.DurationInput;
  /** The x264 preset; `veryfast` by default. */
  readonly preset?: string;
  /** Job ids are `ffmpeg-<opaqueId>`: unique across restarts, since encode jobs outlive the process. */
  readonly ids?: Pick<IdGenerator, "opaqueId">;
  /** Finished jobs remembered for `describe`, newest kept. 1000 by default. */
  readonly finishedJobsKept?: number;
  readonly hooks?: FfmpegTranscoderHooks;
}

interface JobRecord {
  readonly request: TranscodeRequest;
  state: "Submitted" | "Progressing";
  outcome: TranscodeOutcome | null;
  readonly controller: AbortController;
}

/** Why a job was stopped from outside: its time ran out, or the transcoder is closing. */
class JobStopped {
  constructor(readonly why: "timeout" | "shutdown") {}
}

/** A step failed for a reason that is not ffmpeg's (storage): reported with no error code. */
class StepFailed extends Error {}

interface FfmpegRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly spawnError: Error | null;
}

const STDERR_KEPT = 64 * 1024;
const DEFAULT_TIMEOUT: Duration.DurationInput = "4 hours";
const DEFAULT_KILL_GRACE: Duration.DurationInput = "2 seconds";
const DEFAULT_FINISHED_KEPT = 1000;
/** Node's timers fire at once beyond this (about 24.8 days). */
const MAX_TIMER_MILLIS = 2 ** 31 - 1;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".m3u8": "application/x-mpegURL",
  ".ts": "video/MP2T",
  ".mp4": "video/mp4",
  ".jpg": "image/jpeg",
};

const joinKey = (prefix: string, name: string): string => {
  const folder = prefix.replace(/\/+$/, "");
  return folder.length === 0 ? name : `${folder}/${name}`;
};

const named = (location: ObjectLocation): string => `${location.bucket}/${location.key}`;

/** The input's extension helps ffmpeg with raw streams; anything odd is left off. */
const inputFileName = (key: string): string => {
  const extension = extname(key);
  return /^\.[A-Za-z0-9]{1,10}$/.test(extension) ? `input${extension}` : "input";
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs an observer hook; a hook that throws must not break a job. */
const observe = (hook: () => void): void => {
  try {
    hook();
  } catch {
    // ignored: hooks only observe
  }
};

/** Upload order: segments, then what refers to them, the playlists that start playback last. */
const uploadRank = (name: string): number => {
  if (name === TRANSCODE_OUTPUT_NAMES.hlsPlaylist) return 4;
  if (name === TRANSCODE_OUTPUT_NAMES.hlsMaster) return 3;
  if (name.endsWith(".m3u8")) return 2;
  if (name.endsWith(".ts")) return 0;
  return 1;
};

/**
 * The `Transcoder` port on ffmpeg, for the `local` profile (docs/architecture.md §4): the
 * outputs and key layout of the MediaConvert templates (`ffmpeg-transcode-plan.ts`), written
 * through the `ObjectStore` to the request's destination and thumbnail prefixes, so a
 * protected video's media land under `restricted/` as they would from MediaConvert.
 *
 * `submit` answers at once with a job id; the job waits for one of `concurrency` slots, then
 * streams its input to a temporary folder, probes it, runs one ffmpeg for every output,
 * writes the master playlists, uploads, and reports its outcome through `onOutcome` (the same
 * `transcode.outcome` job the webhook queues): success with the duration of the first HLS
 * rendition and the thumbnail's size, or failure with ffmpeg's reason and exit code. Jobs live
 * in memory: `describe` knows the jobs of this process, and after a restart every id is
 * `Unknown`, which is how the reconciliation learns a job was lost. `close` stops running
 * ffmpeg children (SIGTERM, SIGKILL after `killGrace`), drops waiting jobs without reporting
 * them, and resolves once every temporary folder is gone.
 */
export class FfmpegTranscoder implements Transcoder {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly waiting: Array<string> = [];
  /** Jobs holding a slot, by id. */
  private readonly running = new Set<string>();
  /** Every started job until it has reported, so `close` can wait for them. */
  private readonly tasks = new Set<Promise<void>>();
  private readonly finished: Array<string> = [];
  private readonly concurrency: number;
  private readonly timeoutMillis: number;
  private readonly killGraceMillis: number;
  private readonly preset: string;
  private readonly ids: Pick<IdGenerator, "opaqueId">;
  private readonly finishedJobsKept: number;
  private ffmpegChecked = false;
  private closed = false;

  constructor(private readonly options: FfmpegTranscoderOptions) {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
    }
    this.concurrency = concurrency;
    this.timeoutMillis = Duration.toMillis(Duration.decode(options.timeout ?? DEFAULT_TIMEOUT));
    this.killGraceMillis = Duration.toMillis(Duration.decode(options.killGrace ?? DEFAULT_KILL_GRACE));
    this.preset = options.preset ?? "veryfast";
    this.ids = options.ids ?? new RandomIdGenerator();
    this.finishedJobsKept = options.finishedJobsKept ?? DEFAULT_FINISHED_KEPT;
  }

  submit(request: TranscodeRequest): Effect.Effect<{ readonly jobId: string }, TranscoderFailure> {
    return Effect.gen(this, function* () {
      if (this.closed) {
        return yield* Effect.fail(
          new TranscoderFailure({
            operation: "submit",
            transient: true,
            reason: "the ffmpeg transcoder is shut down",
          }),
        );
      }
      yield* this.checkFfmpeg();
      const jobId = `ffmpeg-${this.ids.opaqueId()}`;
      this.jobs.set(jobId, { request, state: "Submitted", outcome: null, controller: new AbortController() });
      this.waiting.push(jobId);
      this.startWaitingJobs();
      return { jobId };
    });
  }

  describe(jobId: string): Effect.Effect<JobDescription, TranscoderFailure> {
    return Effect.sync((): JobDescription => {
      const record = this.jobs.get(jobId);
      if (record === undefined) return { _tag: "Unknown", jobId };
      if (record.outcome !== null) return { _tag: "Finished", outcome: record.outcome };
      return { _tag: "InProgress", jobId, state: record.state };
    });
  }

  /** Jobs waiting for a slot and jobs running. */
  get pendingJobs(): number {
    return this.waiting.length + this.running.size;
  }

  /**
   * Stops everything: waiting jobs are dropped and running ffmpeg children killed, none of
   * them reported (they are `Unknown` from now on, as after a restart). Resolves when every
   * job has cleaned up its temporary folder. Further submissions fail.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const jobId of this.waiting.splice(0)) this.jobs.delete(jobId);
    for (const jobId of this.running) this.jobs.get(jobId)?.controller.abort(new JobStopped("shutdown"));
    await Promise.allSettled([...this.tasks]);
  }

  private checkFfmpeg(): Effect.Effect<void, TranscoderFailure> {
    if (this.ffmpegChecked) return Effect.void;
    return Effect.tryPromise({
      try: () => access(this.options.ffmpegPath, fsConstants.X_OK),
      catch: (error) =>
        new TranscoderFailure({
          operation: "submit",
          transient: false,
          reason: `ffmpeg at ${this.options.ffmpegPath} cannot be run: ${messageOf(error)}`,
        }),
    }).pipe(
      Effect.tap(() => {
        this.ffmpegChecked = true;
      }),
    );
  }

  private startWaitingJobs(): void {
    while (!this.closed && this.running.size < this.concurrency) {
      const jobId = this.waiting.shift();
      if (jobId === undefined) return;
      const record = this.jobs.get(jobId);
      if (record === undefined) continue;
      this.running.add(jobId);
      // runJob handles its own failures; only a throwing hook could reject it.
      const task = this.runJob(jobId, record)
        .catch(() => undefined)
        .finally(() => this.tasks.delete(task));
      this.tasks.add(task);
    }
  }

  private async runJob(jobId: string, record: JobRecord): Promise<void> {
    record.state = "Progressing";
    const { controller } = record;
    const timer = setTimeout(
      () => controller.abort(new JobStopped("timeout")),
      Math.min(this.timeoutMillis, MAX_TIMER_MILLIS),
    );
    let outcome: TranscodeOutcome | undefined;
    try {
      outcome = await this.transcode(jobId, record.request, controller.signal);
    } catch (error) {
      // Once the job is stopped, whatever broke is a consequence of stopping it.
      const cause: unknown = controller.signal.aborted ? controller.signal.reason : error;
      outcome = this.outcomeOfError(jobId, record.request, cause);
    } finally {
      clearTimeout(timer);
      this.running.delete(jobId);
      this.startWaitingJobs();
    }
    if (outcome === undefined) {
      this.jobs.delete(jobId);
      return;
    }
    record.outcome = outcome;
    this.remember(jobId);
    try {
      await this.options.onOutcome(outcome);
    } catch (error) {
      observe(() => this.options.hooks?.onReportFailed?.(outcome, error));
    }
  }

  /** Undefined for a job stopped by `close`: it is forgotten, not failed. */
  private outcomeOfError(
    jobId: string,
    request: TranscodeRequest,
    error: unknown,
  ): TranscodeOutcome | undefined {
    if (error instanceof JobStopped) {
      if (error.why === "shutdown") return undefined;
      const seconds = Math.round(this.timeoutMillis) / 1000;
      return this.failed(jobId, request, null, `the transcode did not finish within ${seconds} seconds`);
    }
    return this.failed(jobId, request, null, messageOf(error));
  }

  private remember(jobId: string): void {
    this.finished.push(jobId);
    while (this.finished.length > this.finishedJobsKept) {
      const oldest = this.finished.shift();
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }

  private failed(
    jobId: string,
    request: TranscodeRequest,
    errorCode: number | null,
    errorMessage: string,
  ): TranscodeFailed {
    return { _tag: "TranscodeFailed", jobId, videoKey: request.videoKey, errorCode, errorMessage };
  }

  private async transcode(
    jobId: string,
    request: TranscodeRequest,
    signal: AbortSignal,
  ): Promise<TranscodeOutcome> {
    await mkdir(this.options.workDirectory, { recursive: true });
    const folder = await mkdtemp(join(this.options.workDirectory, "job-"));
    try {
      const inputPath = join(folder, inputFileName(request.input.key));
      const missing = await this.download(request.input, inputPath, signal);
      if (missing !== undefined) return this.failed(jobId, request, null, missing);
      const paths: ReadonlyArray<readonly [string, string]> = [
        [inputPath, named(request.input)],
        [`${folder}/`, ""],
      ];

      const probe = await this.ffmpeg(jobId, "probe", probeArgs(inputPath), signal);
      signal.throwIfAborted();
      if (probe.spawnError !== null) throw probe.spawnError;
      const probed = parseProbe(probe.stderr);
      if (probed === undefined) {
        return this.failed(
          jobId,
          request,
          probe.code,
          `ffmpeg cannot read the input: ${failureReason(probe.stderr, paths)}`,
        );
      }
      if (probed.video === null) {
        return this.failed(jobId, request, null, `the input ${named(request.input)} has no video stream`);
      }

      const outputDirectory = join(folder, "out");
      await mkdir(outputDirectory);
      const template = TRANSCODE_TEMPLATES[request.orientation];
      const args = transcodeArgs({
        inputPath,
        outputDirectory,
        template,
        videoStream: probed.video.index,
        audioStream: probed.audioStream,
        includeMp4: request.includeMp4,
        thumbnail: request.thumbnail !== null,
        preset: this.preset,
      });
      const run = await this.ffmpeg(jobId, "transcode", args, signal);
      signal.throwIfAborted();
      if (run.spawnError !== null) throw run.spawnError;
      if (run.code !== 0) {
        const how =
          run.code === null ? `was killed by ${run.signal ?? "a signal"}` : `exited with code ${run.code}`;
        return this.failed(jobId, request, run.code, `ffmpeg ${how}: ${failureReason(run.stderr, paths)}`);
      }

      const written = await this.finishOutputs(
        outputDirectory,
        template,
        probed.audioStream !== null,
        request,
      );
      if (typeof written === "string") return this.failed(jobId, request, null, written);
      await this.upload(outputDirectory, request, signal);
      return {
        _tag: "TranscodeSucceeded",
        jobId,
        videoKey: request.videoKey,
        hlsPlaylist: {
          bucket: request.destination.bucket,
          key: joinKey(request.destination.prefix, TRANSCODE_OUTPUT_NAMES.hlsPlaylist),
        },
        mp4: request.includeMp4
          ? {
              bucket: request.destination.bucket,
              key: joinKey(request.destination.prefix, TRANSCODE_OUTPUT_NAMES.mp4),
            }
          : null,
        thumbnails: written.thumbnails,
        durationSeconds: written.durationSeconds ?? probed.durationSeconds,
      } satisfies TranscodeSucceeded;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** Streams the input to a file; says why when there is no such object. */
  private async download(
    input: ObjectLocation,
    path: string,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const got = await this.runEither(this.options.store.get(input), signal);
    if (Either.isLeft(got)) {
      if (got.left._tag === "ObjectNotFound") return `the input ${named(input)} does not exist`;
      throw new StepFailed(`reading the input failed: ${got.left.message}`);
    }
    try {
      await pipeline(Readable.from(got.right.body), createWriteStream(path), { signal });
    } catch (error) {
      signal.throwIfAborted();
      throw new StepFailed(`reading the input ${named(input)} failed: ${messageOf(error)}`);
    }
    return undefined;
  }

  /**
   * Checks what ffmpeg wrote, writes `video.m3u8` and its `video__index.m3u8` copy, and
   * returns the duration and the thumbnail; or why the outputs are unusable.
   */
  private async finishOutputs(
    folder: string,
    template: TranscodeTemplate,
    hasAudio: boolean,
    request: TranscodeRequest,
  ): Promise<
    | { readonly durationSeconds: number | null; readonly thumbnails: ReadonlyArray<TranscodedThumbnail> }
    | string
  > {
    const variants: Array<MasterVariant> = [];
    let durationSeconds: number | null = null;
    for (const rendition of template.hls) {
      const text = await readFile(join(folder, rendition.playlist), "utf8").catch(() => undefined);
      const segments = text === undefined ? [] : mediaSegments(text);
      if (segments.length === 0) return `ffmpeg wrote no segments for ${rendition.playlist}`;
      const sized = await Promise.all(
        segments.map(async (segment) => ({
          ...segment,
          bytes: (await stat(join(folder, segment.uri))).size,
        })),
      );
      durationSeconds ??= playlistDurationSeconds(segments);
      variants.push({
        uri: rendition.playlist,
        width: rendition.width,
        height: rendition.height,
        ...measuredBandwidth(sized),
        codecs: hasAudio ? [HLS_VIDEO_CODEC, HLS_AUDIO_CODEC] : [HLS_VIDEO_CODEC],
      });
    }
    const master = masterPlaylist(variants);
    await writeFile(join(folder, TRANSCODE_OUTPUT_NAMES.hlsMaster), master);
    await writeFile(join(folder, TRANSCODE_OUTPUT_NAMES.hlsPlaylist), master);

    if (request.includeMp4) {
      const mp4 = await stat(join(folder, TRANSCODE_OUTPUT_NAMES.mp4)).catch(() => undefined);
      if (mp4 === undefined || mp4.size === 0) return `ffmpeg wrote no ${TRANSCODE_OUTPUT_NAMES.mp4}`;
    }
    const thumbnails: Array<TranscodedThumbnail> = [];
    if (request.thumbnail !== null) {
      const bytes = await readFile(join(folder, THUMBNAIL_NAME)).catch(() => undefined);
      const size = bytes === undefined ? undefined : jpegSize(bytes);
      if (size === undefined) return `ffmpeg wrote no ${THUMBNAIL_NAME}`;
      thumbnails.push({
        bucket: request.thumbnail.bucket,
        key: joinKey(request.thumbnail.prefix, THUMBNAIL_NAME),
        width: size.width,
        height: size.height,
      });
    }
    return { durationSeconds, thumbnails };
  }

  private async upload(folder: string, request: TranscodeRequest, signal: AbortSignal): Promise<void> {
    const names = (await readdir(folder)).sort(
      (left, right) => uploadRank(left) - uploadRank(right) || (left < right ? -1 : 1),
    );
    for (const name of names) {
      signal.throwIfAborted();
      const location =
        name === THUMBNAIL_NAME && request.thumbnail !== null
          ? { bucket: request.thumbnail.bucket, key: joinKey(request.thumbnail.prefix, name) }
          : { bucket: request.destination.bucket, key: joinKey(request.destination.prefix, name) };
      const path = join(folder, name);
      const { size } = await stat(path);
      const body = createReadStream(path);
      try {
        const contentType = CONTENT_TYPES[extname(name)];
        const stored = await this.runEither(
          this.options.store.put(location, body, {
            size,
            ...(contentType === undefined ? {} : { contentType }),
          }),
          signal,
        );
        if (Either.isLeft(stored))
          throw new StepFailed(`storing ${named(location)} failed: ${stored.left.message}`);
      } finally {
        body.destroy();
      }
    }
  }

  /** Runs a store Effect, interrupted when the job is stopped (which then throws why). */
  private async runEither<A, E>(
    effect: Effect.Effect<A, E>,
    signal: AbortSignal,
  ): Promise<Either.Either<A, E>> {
    signal.throwIfAborted();
    try {
      return await Effect.runPromise(Effect.either(effect), { signal });
    } catch (error) {
      signal.throwIfAborted();
      throw error;
    }
  }

  /**
   * Runs ffmpeg to its end, keeping the tail of its stderr. When the job is stopped the child
   * gets SIGTERM, then SIGKILL after the grace period; this resolves only once it has exited.
   */
  private ffmpeg(
    jobId: string,
    stage: FfmpegStage,
    args: ReadonlyArray<string>,
    signal: AbortSignal,
  ): Promise<FfmpegRun> {
    signal.throwIfAborted();
    const { hooks } = this.options;
    return new Promise<FfmpegRun>((resolve) => {
      const child = spawn(this.options.ffmpegPath, args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      let spawnError: Error | null = null;
      let killTimer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (code: number | null, exitSignal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", stop);
        clearTimeout(killTimer);
        const { pid } = child;
        if (pid !== undefined)
          observe(() => hooks?.onExit?.({ jobId, stage, pid, code, signal: exitSignal }));
        resolve({ code, signal: exitSignal, stderr: stderr.slice(-STDERR_KEPT), spawnError });
      };
      const stop = (): void => {
        child.kill("SIGTERM");
        killTimer = setTimeout(() => child.kill("SIGKILL"), this.killGraceMillis);
      };
      signal.addEventListener("abort", stop, { once: true });
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        stderr += chunk;
        if (stderr.length > 2 * STDERR_KEPT) stderr = stderr.slice(-STDERR_KEPT);
      });
      child.once("spawn", () => {
        const { pid } = child;
        if (pid !== undefined) observe(() => hooks?.onSpawn?.({ jobId, stage, pid, args }));
      });
      child.once("error", (error) => {
        spawnError = error;
        // A child that never started emits no "close".
        if (child.pid === undefined) finish(null, null);
      });
      child.once("close", finish);
    });
  }
}
