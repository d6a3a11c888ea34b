import { Effect, Schema } from "effect";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { TranscodeOutcome } from "../../ports/transcoder.js";
import type { DomainPorts } from "../domain-ports.js";
import { TranscodeOutcomeSchema } from "./transcode-outcome-schema.js";

/** Whether the outcome was queued now, or a job for it was waiting or running already. */
export type ReportedTranscodeOutcome = "queued" | "already-queued";

const encodeOutcome = Schema.encodeSync(TranscodeOutcomeSchema);

/**
 * Takes a finished transcode from whoever learns of it first — MediaConvert's webhook, a local
 * transcoder — and queues it for `ApplyTranscodeOutcome`, keyed by the transcoder's job id: the
 * caller answers at once and does no storage work, and a redelivered event while the first one
 * waits adds nothing. A redelivery after it was applied is queued again and applied as a no-op
 * (the encode job is no longer in flight), so it sends no second email.
 */
export class ReportTranscodeOutcome {
  constructor(private readonly ports: Pick<DomainPorts, "jobs">) {}

  run(outcome: TranscodeOutcome): Effect.Effect<ReportedTranscodeOutcome, QueueFailure> {
    return this.ports.jobs
      .enqueue(
        "transcode.outcome",
        { jobId: outcome.jobId, outcome: encodeOutcome(outcome) },
        { singletonKey: outcome.jobId },
      )
      .pipe(
        Effect.map((queued) => (queued._tag === "Enqueued" ? "queued" : "already-queued")),
        Effect.withSpan("ReportTranscodeOutcome.run", { attributes: { jobId: outcome.jobId } }),
      );
  }
}
