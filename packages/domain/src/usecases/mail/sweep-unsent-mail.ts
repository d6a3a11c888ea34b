import { Effect, Option } from "effect";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { MAX_MAIL_ATTEMPTS } from "./send-status-email.js";

/** Entries looked at per sweep, oldest first. */
export const DEFAULT_SWEEP_LIMIT = 500;

export interface MailSweepResult {
  /** Entries queued for sending again. */
  readonly enqueued: ReadonlyArray<string>;
  /** Entries whose `mail.send` job is still waiting. */
  readonly alreadyQueued: ReadonlyArray<string>;
  /**
   * Entries abandoned by this sweep: `MAX_MAIL_ATTEMPTS` sends failed, but the entry was not
   * abandoned yet (the job that failed last was cut short, or the entry predates the abandoned
   * state). Entries abandoned before are not looked at.
   */
  readonly givenUp: ReadonlyArray<string>;
}

/**
 * Re-queues the status emails that were never sent, for after an outage of the mail service,
 * the directory or the queue (the `mail.send` job of an entry is normally written with it, but
 * a job can exhaust its retries). Each entry is queued under its id as singleton key, the key
 * the status change used, so an entry still waiting is not queued twice.
 *
 * Abandoned entries are not in the outbox's unsent list, so however many pile up they never
 * hide newer entries from a sweep; they are listed for operators instead (`ovs mail failed`).
 */
export class SweepUnsentMail {
  constructor(private readonly ports: Pick<DomainPorts, "mailOutbox" | "jobs" | "clock">) {}

  run(
    limit: number = DEFAULT_SWEEP_LIMIT,
  ): Effect.Effect<MailSweepResult, PersistenceFailure | QueueFailure> {
    const { mailOutbox, jobs, clock } = this.ports;
    return Effect.gen(function* () {
      const unsent = yield* mailOutbox.listUnsent(Math.max(1, Math.floor(limit)));
      const result = {
        enqueued: [] as Array<string>,
        alreadyQueued: [] as Array<string>,
        givenUp: [] as Array<string>,
      };
      for (const entry of unsent) {
        if (entry.attempts >= MAX_MAIL_ATTEMPTS) {
          const reason = entry.lastError ?? `${entry.attempts} sends failed`;
          // An entry that went with its video meanwhile is not given up on: it is gone.
          const abandoned = yield* Effect.catchTag(
            mailOutbox.markAbandoned(entry.id, reason, clock.now()),
            "RecordNotFound",
            () => Effect.succeed(Option.none()),
          );
          if (Option.isSome(abandoned)) result.givenUp.push(entry.id);
          continue;
        }
        const queued = yield* jobs.enqueue("mail.send", { outboxId: entry.id }, { singletonKey: entry.id });
        (queued._tag === "Enqueued" ? result.enqueued : result.alreadyQueued).push(entry.id);
      }
      return result;
    }).pipe(Effect.withSpan("SweepUnsentMail.run"));
  }
}
