import { Effect, Schema } from "effect";
import type { JobPayloads, QueueName } from "../ports/job-queue.js";
import { InvalidateCdnPaths } from "./cdn/invalidate-cdn-paths.js";
import type { DomainPorts } from "./domain-ports.js";
import { PostVideoToEdx } from "./edx/post-video-to-edx.js";
import { SyncCollectionToEdx } from "./edx/sync-collection-to-edx.js";
import { StreamSourceToStorage } from "./ingest/stream-source-to-storage.js";
import { SendStatusEmail } from "./mail/send-status-email.js";
import { SweepUnsentMail } from "./mail/sweep-unsent-mail.js";
import { ScheduleRetranscodes } from "./retranscode/schedule-retranscodes.js";
import type { DomainSettings } from "./settings.js";
import { DeleteStoredObjects } from "./storage/delete-stored-objects.js";
import { ApplyTranscodeOutcome } from "./transcode/apply-transcode-outcome.js";
import { ReconcileTranscodes } from "./transcode/reconcile-transcodes.js";
import { SubmitTranscode } from "./transcode/submit-transcode.js";
import { FailStuckUploads } from "./uploads-janitor/fail-stuck-uploads.js";
import { MoveVideoObjects } from "./videos/move-video-objects.js";
import { validateInput } from "./validate-input.js";
import { PollWatchBucket } from "./watch-bucket/poll-watch-bucket.js";

/** Runs one job of a queue; the result is for logs, a failure is for the queue's retry policy. */
export type JobHandler<Q extends QueueName> = (payload: JobPayloads[Q]) => Effect.Effect<unknown, unknown>;

export type JobHandlers = { readonly [Q in QueueName]: JobHandler<Q> };

const flagged = (error: object, flag: "transient" | "retryable"): boolean | undefined => {
  const value: unknown = (error as Record<string, unknown>)[flag];
  return typeof value === "boolean" ? value : undefined;
};

/**
 * Whether running a job again may end differently from the failure it just had. The handlers'
 * failures say so themselves: store, transcoder, mail, directory, edX and CDN failures carry
 * `transient`, `StoredObjectsNotDeleted` carries `retryable`; a payload that does not validate
 * (`InvalidInput`) fails the same way every time. Anything else (a store outage, a lost race, a
 * defect, a `cdn.invalidate` job's `CdnPathsNotInvalidated`) is worth the queue's retries.
 */
export const isRetryableJobFailure = (error: unknown): boolean => {
  if (typeof error !== "object" || error === null) return true;
  if ((error as { readonly _tag?: unknown })._tag === "InvalidInput") return false;
  return flagged(error, "retryable") !== false && flagged(error, "transient") !== false;
};

/**
 * The payload of a scheduled queue's job: pg-boss's schedules send `{}`. Its fields are
 * ignored, so a field a newer release adds does not make an older worker refuse the job; what
 * is not an object at all is refused like any malformed payload.
 */
const ScheduledJobPayload = Schema.Record({ key: Schema.String, value: Schema.Unknown });

/** A scheduled queue's use case, run once its payload is known to be one. */
const scheduled =
  <A, E>(run: () => Effect.Effect<A, E>) =>
  (payload: unknown) =>
    Effect.flatMap(validateInput(ScheduledJobPayload, payload), () => run());

/**
 * Which use case serves which queue (docs/architecture.md §7), in one place: the app registers these
 * with its workers, the harness drains its queue through them. Every handler decodes its payload
 * first (the use case's job entry point does, or `scheduled` for the queues whose jobs carry
 * nothing), so a malformed payload fails with `InvalidInput`, is not retried and touches nothing.
 */
export const makeJobHandlers = (ports: DomainPorts, settings: DomainSettings): JobHandlers => {
  const ingest = new StreamSourceToStorage(ports, settings);
  const submitTranscode = new SubmitTranscode(ports, settings);
  const applyOutcome = new ApplyTranscodeOutcome(ports, settings);
  const reconcile = new ReconcileTranscodes(ports, settings);
  const pollWatchBucket = new PollWatchBucket(ports, settings);
  const failStuckUploads = new FailStuckUploads(ports, settings);
  const scheduleRetranscodes = new ScheduleRetranscodes(ports, settings);
  const moveVideoObjects = new MoveVideoObjects(ports, settings);
  const sendStatusEmail = new SendStatusEmail(ports, settings);
  const sweepUnsentMail = new SweepUnsentMail(ports);
  const postVideoToEdx = new PostVideoToEdx(ports);
  const syncCollectionToEdx = new SyncCollectionToEdx(ports);
  const deleteStoredObjects = new DeleteStoredObjects(ports);
  const invalidateCdnPaths = new InvalidateCdnPaths(ports);
  return {
    "video.ingest": (payload) => ingest.run(payload),
    "video.transcode": (payload) => submitTranscode.run(payload),
    "transcode.outcome": (payload) => applyOutcome.run(payload),
    "transcode.reconcile": scheduled(() => reconcile.run()),
    "watch-bucket.poll": scheduled(() => pollWatchBucket.run()),
    "uploads.fail-stuck": scheduled(() => failStuckUploads.run()),
    "retranscode.schedule": scheduled(() => scheduleRetranscodes.run()),
    "video.visibility": (payload) => moveVideoObjects.runJob(payload),
    "mail.send": (payload) => sendStatusEmail.run(payload),
    "mail.sweep": scheduled(() => sweepUnsentMail.run()),
    "edx.post-video": (payload) => postVideoToEdx.run(payload),
    "edx.sync-collection": (payload) => syncCollectionToEdx.run(payload),
    "storage.delete": (payload) => deleteStoredObjects.run(payload),
    "cdn.invalidate": (payload) => invalidateCdnPaths.run(payload),
  };
};
