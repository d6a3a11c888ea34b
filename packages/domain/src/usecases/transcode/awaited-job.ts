import { Effect, Option } from "effect";
import type { EncodeJob, EncodeJobPurpose, EncodeJobState } from "../../model/encode-job.js";
import type { Video, VideoStatus } from "../../model/video.js";
import type { EncodeJobRepository } from "../../ports/encode-job-repository.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";

/** States of a job the transcoder has not finished yet. */
export const IN_FLIGHT_JOB_STATES: ReadonlyArray<EncodeJobState> = ["Submitted", "Progressing"];

/** The status a video holds while it waits for a job of this purpose. */
export const awaitingStatus = (purpose: EncodeJobPurpose): VideoStatus =>
  purpose === "retranscode" ? "Retranscoding" : "Transcoding";

/**
 * Whether the video still waits for this very job: it holds the status the job's purpose
 * implies, and no newer job was submitted since. Only then may the job's outcome (or its loss)
 * change the video; otherwise the outcome is recorded on the job alone.
 */
export const videoAwaitsJob = (
  encodeJobs: Pick<EncodeJobRepository, "latestForVideo">,
  video: Pick<Video, "key" | "status">,
  job: Pick<EncodeJob, "id" | "purpose">,
): Effect.Effect<boolean, PersistenceFailure> => {
  if (video.status !== awaitingStatus(job.purpose)) return Effect.succeed(false);
  return Effect.map(
    encodeJobs.latestForVideo(video.key),
    (latest) => Option.isSome(latest) && latest.value.id === job.id,
  );
};
