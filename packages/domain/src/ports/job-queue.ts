import { Data } from "effect";
import type { Effect } from "effect";
import type { EdxEndpointId } from "../model/edx-endpoint.js";
import type { CollectionKey, VideoKey } from "../model/keys.js";

/** What a change that asks the CDN to forget paths was; for operators reading the queue. */
export type CdnInvalidationReason = "retranscode" | "visibility-move" | "thumbnail-upload";

/** Every background queue and the payload its jobs carry (docs/architecture.md §7). */
export interface JobPayloads {
  /** `attempt` counts retries after transient source failures (absent on the first try). */
  readonly "video.ingest": { readonly videoKey: VideoKey; readonly attempt?: number };
  /** Watch-bucket recordings get HLS only (no MP4), as upstream. */
  readonly "video.transcode": { readonly videoKey: VideoKey; readonly fromWatchBucket?: boolean };
  readonly "transcode.outcome": { readonly jobId: string; readonly outcome: unknown };
  readonly "transcode.reconcile": Record<string, never>;
  readonly "watch-bucket.poll": Record<string, never>;
  readonly "uploads.fail-stuck": Record<string, never>;
  readonly "retranscode.schedule": Record<string, never>;
  readonly "video.visibility": { readonly videoKey: VideoKey };
  readonly "mail.send": { readonly outboxId: string };
  /** Re-queues the status emails left unsent (`SweepUnsentMail`); scheduled. */
  readonly "mail.sweep": Record<string, never>;
  readonly "edx.post-video": { readonly videoKey: VideoKey; readonly endpointId?: EdxEndpointId };
  readonly "edx.sync-collection": { readonly collectionKey: CollectionKey };
  readonly "storage.delete": {
    readonly bucket: string;
    readonly key: string;
    /** Delete every object whose key starts with `key` (no slash is appended). */
    readonly prefix: boolean;
  };
  readonly "cdn.invalidate": {
    /** Keys or `prefix/*` wildcards without a leading slash, as `CdnInvalidator.invalidate` takes them. */
    readonly paths: ReadonlyArray<string>;
    readonly reason?: CdnInvalidationReason;
  };
}
export type QueueName = keyof JobPayloads;

export const QUEUE_NAMES: ReadonlyArray<QueueName> = [
  "video.ingest",
  "video.transcode",
  "transcode.outcome",
  "transcode.reconcile",
  "watch-bucket.poll",
  "uploads.fail-stuck",
  "retranscode.schedule",
  "video.visibility",
  "mail.send",
  "mail.sweep",
  "edx.post-video",
  "edx.sync-collection",
  "storage.delete",
  "cdn.invalidate",
];

export interface EnqueueOptions {
  /**
   * At most one unfinished job (waiting or running) per queue with this key. A running job
   * that queues its own follow-up must use a different key (e.g. with an attempt number).
   */
  readonly singletonKey?: string;
  /** Not delivered before this time. */
  readonly startAfter?: Date;
}

/** "Already queued" is a normal answer, not an error. */
export type EnqueueResult =
  | { readonly _tag: "Enqueued"; readonly jobId: string }
  | { readonly _tag: "AlreadyQueued"; readonly singletonKey: string };

export class QueueFailure extends Data.TaggedError("QueueFailure")<{
  readonly queue: QueueName;
  readonly cause: unknown;
}> {
  override get message(): string {
    const detail = this.cause instanceof Error ? this.cause.message : String(this.cause);
    return `could not enqueue a ${this.queue} job: ${detail}`;
  }
}

/**
 * Background jobs. Inside a unit of work, enqueued jobs commit or roll back with the data.
 */
export interface JobQueue {
  enqueue<Q extends QueueName>(
    queue: Q,
    payload: JobPayloads[Q],
    options?: EnqueueOptions,
  ): Effect.Effect<EnqueueResult, QueueFailure>;
}
export const JobQueue = Symbol.for("ovs/JobQueue");
