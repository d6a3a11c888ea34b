import { Effect } from "effect";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { isPermanentMailFailure } from "./send-status-email.js";

/**
 * Sends of one entry after which the sweep stops re-queueing it (the queue's own retries of a
 * `mail.send` job count too, since each failed send is recorded).
 */
export const MAX_MAIL_ATTEMPTS = 10;

/** Entries looked at per sweep, oldest first. */
export const DEFAULT_SWEEP_LIMIT = 500;

export interface MailSweepResult {
  /** Entries queued for sending again. */
  readonly enqueued: ReadonlyArray<string>;
  /** Entries whose `mail.send` job is still waiting. */
  readonly alreadyQueued: ReadonlyArray<string>;
  /** Entries left alone: a permanent failure, or `MAX_MAIL_ATTEMPTS` sends failed. */
  readonly givenUp: ReadonlyArray<string>;
}

/**
 * Re-queues the status emails that were never sent, for after an outage of the mail service,
 * the directory or the queue (the `mail.send` job of an entry is normally written with it, but
 * a job can exhaust its retries). Each entry is queued under its id as singleton key, the key
 * the status change used, so an entry still waiting is not queued twice.
 *
 * Entries given up on still count toward `limit`, because the outbox lists unsent entries
 * oldest first without a way to skip them: a store with more than `limit` of them would hide
 * newer entries from the sweep. The outbox needs a state for abandoned entries to fix that.
 */
export class SweepUnsentMail {
  constructor(private readonly ports: Pick<DomainPorts, "mailOutbox" | "jobs">) {}

  run(
    limit: number = DEFAULT_SWEEP_LIMIT,
  ): Effect.Effect<MailSweepResult, PersistenceFailure | QueueFailure> {
    const { mailOutbox, jobs } = this.ports;
    return Effect.gen(function* () {
      const unsent = yield* mailOutbox.listUnsent(Math.max(1, Math.floor(limit)));
      const result = {
        enqueued: [] as Array<string>,
        alreadyQueued: [] as Array<string>,
        givenUp: [] as Array<string>,
      };
      for (const entry of unsent) {
        if (isPermanentMailFailure(entry) || entry.attempts >= MAX_MAIL_ATTEMPTS) {
          result.givenUp.push(entry.id);
          continue;
        }
        const queued = yield* jobs.enqueue("mail.send", { outboxId: entry.id }, { singletonKey: entry.id });
        (queued._tag === "Enqueued" ? result.enqueued : result.alreadyQueued).push(entry.id);
      }
      return result;
    }).pipe(Effect.withSpan("SweepUnsentMail.run"));
  }
}
