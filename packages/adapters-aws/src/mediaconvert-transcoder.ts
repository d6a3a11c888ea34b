import { CreateJobCommand, GetJobCommand } from "@aws-sdk/client-mediaconvert";
import type { Job, MediaConvertClient, OutputDetail } from "@aws-sdk/client-mediaconvert";
import type { JobDescription, TranscodeOutcome, Transcoder, TranscodeRequest, VideoKey } from "@ovs/domain";
import { parseVideoKey, TranscoderFailure } from "@ovs/domain";
import { Effect, Either } from "effect";
import { classifyAwsError, errorNameOf, httpStatusOf } from "./aws-errors.js";
import type { MediaConvertJobSettings } from "./mediaconvert-job.js";
import { mediaConvertJobFor, USER_METADATA_VIDEO_KEY } from "./mediaconvert-job.js";
import type { ReportedOutput, ReportedOutputGroup } from "./mediaconvert-outputs.js";
import { succeededOutcome } from "./mediaconvert-outputs.js";

/** MediaConvert numbers frame captures from zero with seven digits: `video_thumbnail.0000000.jpg`. */
const FIRST_FRAME_SUFFIX = ".0000000.jpg";

const reportedDetail = (detail: OutputDetail | undefined): Omit<ReportedOutput, "filePaths"> => ({
  durationMs: detail?.DurationInMs ?? null,
  width: detail?.VideoDetails?.WidthInPx ?? null,
  height: detail?.VideoDetails?.HeightInPx ?? null,
});

/**
 * What a finished job wrote, from `GetJob`. Its output group details carry durations and
 * frame sizes but no paths, so the paths are the ones the job itself was told to write: each
 * group's destination with each output's name modifier, named as MediaConvert names them
 * (`<base>.m3u8` and `<base><modifier>.m3u8` for HLS manifests, `<base><modifier>.mp4`, and the
 * first frame `<base><modifier>.0000000.jpg`). Groups and their details are in the same order.
 */
export const reportedOutputsOfJob = (job: Job): ReadonlyArray<ReportedOutputGroup> =>
  (job.Settings?.OutputGroups ?? []).map((group, groupIndex): ReportedOutputGroup => {
    const details = job.OutputGroupDetails?.[groupIndex]?.OutputDetails ?? [];
    const settings = group.OutputGroupSettings;
    const outputs = group.Outputs ?? [];
    if (settings?.Type === "HLS_GROUP_SETTINGS") {
      const base = settings.HlsGroupSettings?.Destination ?? "";
      return {
        type: "HLS_GROUP",
        playlistFilePaths: [
          `${base}.m3u8`,
          ...(settings.HlsGroupSettings?.AdditionalManifests ?? []).map(
            (manifest) => `${base}${manifest.ManifestNameModifier ?? ""}.m3u8`,
          ),
        ],
        outputs: outputs.map((output, index) => ({
          filePaths: [`${base}${output.NameModifier ?? ""}.m3u8`],
          ...reportedDetail(details[index]),
        })),
      };
    }
    if (settings?.Type === "FILE_GROUP_SETTINGS") {
      const base = settings.FileGroupSettings?.Destination ?? "";
      return {
        type: "FILE_GROUP",
        playlistFilePaths: [],
        outputs: outputs.map((output, index) => {
          const name = `${base}${output.NameModifier ?? ""}`;
          const container = output.ContainerSettings?.Container;
          const frameCapture = output.VideoDescription?.CodecSettings?.Codec === "FRAME_CAPTURE";
          const filePaths =
            container === "MP4" ? [`${name}.mp4`] : frameCapture ? [`${name}${FIRST_FRAME_SUFFIX}`] : [];
          return { filePaths, ...reportedDetail(details[index]) };
        }),
      };
    }
    return { type: settings?.Type ?? "UNKNOWN", playlistFilePaths: [], outputs: [] };
  });

/** Undefined for jobs the previous system submitted: it put no video key in their metadata. */
const videoKeyOfJob = (job: Job): Either.Either<VideoKey | undefined, string> => {
  const raw = job.UserMetadata?.[USER_METADATA_VIDEO_KEY];
  if (raw === undefined) return Either.right(undefined);
  return Either.mapLeft(parseVideoKey(raw), (invalid) => invalid.message);
};

/** `GetJob`'s job as the domain sees it: still running, or finished with its real outputs or error. */
export const describeMediaConvertJob = (job: Job, jobId: string): Either.Either<JobDescription, string> => {
  switch (job.Status) {
    case "SUBMITTED":
      return Either.right({ _tag: "InProgress", jobId, state: "Submitted" });
    case "PROGRESSING":
      return Either.right({ _tag: "InProgress", jobId, state: "Progressing" });
    case "COMPLETE":
      return Either.flatMap(videoKeyOfJob(job), (videoKey) =>
        Either.map(
          succeededOutcome({ jobId, videoKey, groups: reportedOutputsOfJob(job), buckets: null }),
          (outcome): JobDescription => ({ _tag: "Finished", outcome }),
        ),
      );
    case "ERROR":
    case "CANCELED":
      return Either.map(videoKeyOfJob(job), (videoKey): JobDescription => {
        const outcome: TranscodeOutcome = {
          _tag: "TranscodeFailed",
          jobId,
          ...(videoKey === undefined ? {} : { videoKey }),
          errorCode: job.Status === "ERROR" ? (job.ErrorCode ?? null) : null,
          errorMessage:
            job.Status === "CANCELED"
              ? "the MediaConvert job was canceled"
              : (job.ErrorMessage ?? "MediaConvert reported an error without a message"),
        };
        return { _tag: "Finished", outcome };
      });
    default:
      return Either.left(`job ${jobId} has an unexpected status '${String(job.Status)}'`);
  }
};

/**
 * The `Transcoder` port on AWS Elemental MediaConvert. `submit` sends `CreateJob` built by
 * `mediaConvertJobFor`; `describe` maps `GetJob` to in-progress, or to the outcome with the
 * job's real outputs (for the reconciliation job), and a job MediaConvert does not know to
 * `Unknown`. The client should use the regional endpoint (see `createMediaConvertClient`).
 */
export class MediaConvertTranscoder implements Transcoder {
  constructor(
    private readonly client: MediaConvertClient,
    private readonly settings: MediaConvertJobSettings,
  ) {}

  submit(request: TranscodeRequest): Effect.Effect<{ readonly jobId: string }, TranscoderFailure> {
    return Effect.tryPromise({
      try: (abortSignal) =>
        this.client.send(new CreateJobCommand(mediaConvertJobFor(request, this.settings)), { abortSignal }),
      catch: (error) => new TranscoderFailure({ operation: "submit", ...classifyAwsError(error) }),
    }).pipe(
      Effect.flatMap(({ Job: job }) =>
        job?.Id === undefined || job.Id.length === 0
          ? Effect.fail(
              new TranscoderFailure({
                operation: "submit",
                transient: false,
                reason: "CreateJob answered without a job id",
              }),
            )
          : Effect.succeed({ jobId: job.Id }),
      ),
    );
  }

  describe(jobId: string): Effect.Effect<JobDescription, TranscoderFailure> {
    return Effect.tryPromise({
      try: (abortSignal) => this.client.send(new GetJobCommand({ Id: jobId }), { abortSignal }),
      catch: (error) => error,
    }).pipe(
      Effect.matchEffect({
        onFailure: (error) =>
          errorNameOf(error) === "NotFoundException" || httpStatusOf(error) === 404
            ? Effect.succeed<JobDescription>({ _tag: "Unknown", jobId })
            : Effect.fail(new TranscoderFailure({ operation: "describe", ...classifyAwsError(error) })),
        onSuccess: ({ Job: job }) =>
          job === undefined
            ? Effect.succeed<JobDescription>({ _tag: "Unknown", jobId })
            : Either.match(describeMediaConvertJob(job, jobId), {
                onLeft: (reason) =>
                  Effect.fail(new TranscoderFailure({ operation: "describe", transient: false, reason })),
                onRight: (description) => Effect.succeed(description),
              }),
      }),
    );
  }
}
