import { Effect, Schema } from "effect";
import type { Principal } from "../../model/user.js";
import { canWatchOperations } from "../../policy/access.js";
import type { OutboxEntry } from "../../ports/mail-outbox-repository.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { Forbidden } from "../errors.js";
import { validateInput } from "../validate-input.js";

/** Entries listed when the caller names no limit. */
export const DEFAULT_ABANDONED_MAIL_LIMIT = 50;
/** The most entries one listing answers. */
export const MAX_ABANDONED_MAIL_LIMIT = 500;

const LIMIT_MESSAGE = `Expected a whole number from 1 to ${MAX_ABANDONED_MAIL_LIMIT}.`;

const inRange = (limit: number): boolean =>
  Number.isInteger(limit) && limit >= 1 && limit <= MAX_ABANDONED_MAIL_LIMIT;

/** A limit as a query string carries it (digits only) or as a number; one message for every way it is wrong. */
const Limit = Schema.Union(
  Schema.Number,
  Schema.transform(Schema.String.pipe(Schema.pattern(/^\d{1,9}$/)), Schema.Number, {
    strict: true,
    decode: (text) => Number(text),
    encode: (limit) => String(limit),
  }),
).pipe(
  Schema.filter(inRange),
  Schema.annotations({ message: () => ({ message: LIMIT_MESSAGE, override: true }) }),
);

const ListAbandonedMailQuery = Schema.Struct({
  limit: Schema.optionalWith(Limit, { nullable: true, default: () => DEFAULT_ABANDONED_MAIL_LIMIT }),
});

export type ListAbandonedMailError = Forbidden | InvalidInput | PersistenceFailure;

/**
 * The status emails given up on (permanent failures, nobody to tell, or `MAX_MAIL_ATTEMPTS`
 * failed sends), newest first, at most `limit` (1 to 500, 50 when absent): each with its
 * video, template, status change, attempts, reason and when it was given up. For staff and
 * superusers, who run the service (`GET /api/v0/mail/failed/`, `ovs mail failed`).
 */
export class ListAbandonedMail {
  constructor(private readonly ports: Pick<DomainPorts, "mailOutbox">) {}

  run(
    principal: Principal,
    query: { readonly limit?: string | number | null | undefined } = {},
  ): Effect.Effect<ReadonlyArray<OutboxEntry>, ListAbandonedMailError> {
    const { mailOutbox } = this.ports;
    return Effect.gen(function* () {
      if (!canWatchOperations(principal)) {
        return yield* new Forbidden({
          reason: "only staff and superusers may see the status emails that were given up on",
          signInRequired: principal._tag === "Anonymous",
        });
      }
      const { limit } = yield* validateInput(ListAbandonedMailQuery, query);
      return yield* mailOutbox.listAbandoned(limit);
    }).pipe(Effect.withSpan("ListAbandonedMail.run"));
  }
}
