import type { TranscodeOutcome } from "@ovs/domain";
import { parseVideoKey } from "@ovs/domain";
import type { Effect } from "effect";
import { Data, Either, ParseResult, Schema } from "effect";
import { USER_METADATA_FILTER, USER_METADATA_VIDEO_KEY } from "./mediaconvert-job.js";
import type { OutputBuckets, ReportedOutputGroup } from "./mediaconvert-outputs.js";
import { succeededOutcome } from "./mediaconvert-outputs.js";

/**
 * EventBridge "MediaConvert Job State Change" events, as the webhook receives them: the bare
 * event (raw SNS delivery, behind the shared secret) or an SNS notification's verified
 * `Message`. Only `COMPLETE` and `ERROR` finish a job; every other status is acknowledged and
 * ignored.
 */

const OutputDetail = Schema.Struct({
  durationInMs: Schema.optional(Schema.Number),
  videoDetails: Schema.optional(
    Schema.Struct({
      widthInPx: Schema.optional(Schema.Number),
      heightInPx: Schema.optional(Schema.Number),
      averageBitrate: Schema.optional(Schema.Number),
    }),
  ),
  outputFilePaths: Schema.optional(Schema.Array(Schema.String)),
});

const OutputGroupDetail = Schema.Struct({
  type: Schema.String,
  outputDetails: Schema.optional(Schema.Array(OutputDetail)),
  playlistFilePaths: Schema.optional(Schema.Array(Schema.String)),
});

export const MediaConvertJobStateChangeDetail = Schema.Struct({
  jobId: Schema.NonEmptyString,
  status: Schema.NonEmptyString,
  queue: Schema.optional(Schema.String),
  accountId: Schema.optional(Schema.String),
  timestamp: Schema.optional(Schema.Number),
  userMetadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  errorCode: Schema.optional(Schema.Number),
  errorMessage: Schema.optional(Schema.String),
  outputGroupDetails: Schema.optional(Schema.Array(OutputGroupDetail)),
});

/** The envelope and the fields of `detail` this service reads; other fields are ignored. */
export const MediaConvertJobStateChangeEvent = Schema.Struct({
  version: Schema.optional(Schema.String),
  id: Schema.optional(Schema.String),
  "detail-type": Schema.Literal("MediaConvert Job State Change"),
  source: Schema.Literal("aws.mediaconvert"),
  account: Schema.String,
  time: Schema.optional(Schema.String),
  region: Schema.optional(Schema.String),
  resources: Schema.optional(Schema.Array(Schema.String)),
  detail: MediaConvertJobStateChangeDetail,
});
export type MediaConvertJobStateChangeEvent = typeof MediaConvertJobStateChangeEvent.Type;

export interface MediaConvertEventSettings {
  /** `AWS_ACCOUNT_ID`: events of any other account are refused. */
  readonly accountId: string;
  /** `VIDEO_TRANSCODE_QUEUE`: the routing filter this environment's jobs carry. */
  readonly queueFilter: string;
  /** `VIDEO_S3_TRANSCODE_BUCKET` and `VIDEO_S3_THUMBNAIL_BUCKET`: outputs elsewhere are refused. */
  readonly buckets: OutputBuckets;
}

/** A job finished (its outcome), or the event says nothing this service acts on. */
export type MediaConvertEventReading =
  | {
      readonly _tag: "JobFinished";
      readonly outcome: TranscodeOutcome;
      readonly event: MediaConvertJobStateChangeEvent;
    }
  | {
      readonly _tag: "EventIgnored";
      readonly jobId: string;
      readonly status: string;
      readonly reason: string;
    };

/** The body is not a MediaConvert event this service accepts; the edge answers 400 and records why. */
export class MediaConvertEventRejected extends Data.TaggedError("MediaConvertEventRejected")<{
  readonly reason: string;
}> {
  override get message(): string {
    return `MediaConvert event rejected: ${this.reason}`;
  }
}

const decodeEvent = Schema.decodeUnknownEither(MediaConvertJobStateChangeEvent, { errors: "all" });

const parsedJson = (input: unknown): Either.Either<unknown, string> => {
  if (typeof input !== "string") return Either.right(input);
  return Either.try({ try: () => JSON.parse(input) as unknown, catch: () => "the body is not JSON" });
};

const reportedGroups = (event: MediaConvertJobStateChangeEvent): ReadonlyArray<ReportedOutputGroup> =>
  (event.detail.outputGroupDetails ?? []).map((group) => ({
    type: group.type,
    playlistFilePaths: group.playlistFilePaths ?? [],
    outputs: (group.outputDetails ?? []).map((output) => ({
      filePaths: output.outputFilePaths ?? [],
      durationMs: output.durationInMs ?? null,
      width: output.videoDetails?.widthInPx ?? null,
      height: output.videoDetails?.heightInPx ?? null,
    })),
  }));

/**
 * Reads one event (an object or its JSON text). `COMPLETE` gives the job's outputs: the
 * `…__index.m3u8` playlist, the MP4, the captured frames with their sizes, and the duration of
 * the first output; `ERROR` gives the error code and message. The outcome names the video this
 * service put in the job's metadata; jobs the previous system submitted carry none, so their
 * outcome names no video and is matched to one by its job id. An event of another account, one
 * with a malformed video key, or one whose outputs name other buckets than the configured ones
 * is rejected; an event of another environment's queue (another `filter`; a job without one is
 * read) and every other status are ignored.
 */
export const readMediaConvertEvent = (
  input: unknown,
  settings: MediaConvertEventSettings,
): Effect.Effect<MediaConvertEventReading, MediaConvertEventRejected> =>
  Either.gen(function* () {
    const json = yield* parsedJson(input);
    const event = yield* Either.mapLeft(decodeEvent(json), (error) =>
      ParseResult.TreeFormatter.formatErrorSync(error),
    );
    const { detail } = event;
    if (event.account !== settings.accountId) {
      return yield* Either.left(`the event is from account ${event.account}, not ${settings.accountId}`);
    }
    const ignored = (reason: string): MediaConvertEventReading => ({
      _tag: "EventIgnored",
      jobId: detail.jobId,
      status: detail.status,
      reason,
    });
    if (detail.status !== "COMPLETE" && detail.status !== "ERROR") {
      return ignored(`status ${detail.status} does not finish a job`);
    }
    // A job without any filter predates routing by queue; its job id decides whether it is ours.
    const filter = detail.userMetadata?.[USER_METADATA_FILTER];
    if (filter !== undefined && filter !== settings.queueFilter) {
      return ignored(`the job belongs to the queue filter '${filter}', not '${settings.queueFilter}'`);
    }
    const rawKey = detail.userMetadata?.[USER_METADATA_VIDEO_KEY];
    const videoKey =
      rawKey === undefined
        ? undefined
        : yield* Either.mapLeft(parseVideoKey(rawKey), (invalid) => invalid.message);
    if (detail.status === "ERROR") {
      const outcome: TranscodeOutcome = {
        _tag: "TranscodeFailed",
        jobId: detail.jobId,
        ...(videoKey === undefined ? {} : { videoKey }),
        errorCode: detail.errorCode ?? null,
        errorMessage: detail.errorMessage ?? "MediaConvert reported an error without a message",
      };
      return { _tag: "JobFinished" as const, outcome, event };
    }
    const outcome = yield* succeededOutcome({
      jobId: detail.jobId,
      videoKey,
      groups: reportedGroups(event),
      buckets: settings.buckets,
    });
    return { _tag: "JobFinished" as const, outcome, event };
  }).pipe(Either.mapLeft((reason) => new MediaConvertEventRejected({ reason })));
