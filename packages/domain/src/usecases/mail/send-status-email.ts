import { Effect, Option, Schema } from "effect";
import type { Collection } from "../../model/collection.js";
import type { User } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import {
  notificationContext,
  notificationRecipients,
  notificationTemplateFor,
  renderNotification,
  renderSupportDebugEmail,
} from "../../policy/notifications.js";
import type { DirectoryFailure, GroupMember, GroupMembership } from "../../ports/group-directory.js";
import type { OutboxEntry } from "../../ports/mail-outbox-repository.js";
import type { MailFailure } from "../../ports/mailer.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { JobPayloads } from "../../ports/job-queue.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";

/**
 * Failed sends of one status email after which it is abandoned, whoever tried: each failed
 * `mail.send` run counts one (the queue's retries included), and so does each run the sweep
 * queues again. Not a setting: it only has to agree with the `mail.send` queue's retry limit
 * (`QUEUE_POLICIES` in `adapters-postgres`, 8 retries: 9 runs of one job). That limit stays below
 * this bound, so a job that runs out of retries during a long outage leaves its email pending,
 * and the sweep's next run, once the outage is over, gets the last try; raised to 9 or more,
 * one job would abandon its email and the sweep would never retry it.
 */
export const MAX_MAIL_ATTEMPTS = 10;

const SendStatusEmailPayload = Schema.Struct({ outboxId: Schema.String.pipe(Schema.minLength(1)) });

/** What became of the copy support gets for the failures flagged `supportDebugCopy`. */
export type SupportCopy =
  | { readonly _tag: "NotNeeded" }
  | { readonly _tag: "Sent" }
  /** Support's copy is best effort: the people told about their video are not mailed again for it. */
  | { readonly _tag: "Failed"; readonly reason: string };

export type StatusEmailResult =
  | {
      readonly _tag: "Sent";
      readonly outboxId: string;
      readonly recipients: ReadonlyArray<string>;
      readonly supportCopy: SupportCopy;
    }
  /** Nothing was due: no such entry, already sent or abandoned, or its video or collection is gone. */
  | { readonly _tag: "NothingToSend"; readonly outboxId: string; readonly reason: string }
  /**
   * Given up: a failure retrying will not fix, nobody to send it to, or the last of
   * `MAX_MAIL_ATTEMPTS` failed sends. The entry is abandoned with the reason; nothing is sent.
   */
  | {
      readonly _tag: "Abandoned";
      readonly outboxId: string;
      readonly reason: string;
      readonly supportCopy: SupportCopy;
    };

export type SendStatusEmailError =
  InvalidInput | MailFailure | DirectoryFailure | RecordNotFound | PersistenceFailure;

type Failure = MailFailure | DirectoryFailure;

/** Group members are matched to the owner by username or address, ignoring case. */
const isOwner = (owner: User, member: GroupMember): boolean => {
  const username = member.username.trim().toLowerCase();
  const email = member.email.trim().toLowerCase();
  return (
    username === owner.username.toLowerCase() || (email !== "" && email === owner.email.trim().toLowerCase())
  );
};

/**
 * `mail.send`: sends the status email of one outbox entry (upstream `async_send_notification_email`,
 * through the outbox).
 *
 * - The template and the status are the entry's, fixed when the status changed (upstream read
 *   the status at send time, so a fast second change mailed the wrong words).
 * - Recipients are computed now, as upstream: the members of the collection's admin groups that
 *   are mail lists, and the owner unless the owner belongs to an admin group that has members.
 *   Group memberships are not stored, so the owner's groups are the admin groups whose member
 *   lists name the owner.
 * - One message goes to all recipients (each gets their own copy), in upstream's words, with
 *   links to the video and its collection; support gets a plain-text `DEBUG:` copy for the
 *   failures flagged in the policy, with what the recipients got, also when nobody else could
 *   be told.
 * - A transient mail or directory failure is recorded on the entry and fails the job, so the
 *   queue retries it, until the `MAX_MAIL_ATTEMPTS`th failed send: that one abandons the entry and
 *   ends the job. A permanent failure (`transient: false`) is recorded and abandons the entry at
 *   once, and so does a change nobody is to hear of. Abandoned entries are never sent; operators
 *   list them (`ListAbandonedMail`). A sent entry is never sent again, but a crash between
 *   sending and recording can send one twice (at least once, not exactly once).
 */
export class SendStatusEmail {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "mailOutbox" | "videos" | "collections" | "users" | "groupDirectory" | "mailer" | "clock"
    >,
    private readonly settings: Pick<DomainSettings, "baseUrl" | "supportEmail">,
  ) {}

  run(payload: JobPayloads["mail.send"]): Effect.Effect<StatusEmailResult, SendStatusEmailError> {
    const { mailOutbox, videos, collections, clock } = this.ports;
    return Effect.gen(this, function* () {
      const { outboxId } = yield* validateInput(SendStatusEmailPayload, payload);
      yield* Effect.annotateCurrentSpan({ outboxId });
      const found = yield* mailOutbox.findById(outboxId);
      if (Option.isNone(found))
        return { _tag: "NothingToSend", outboxId, reason: "no such outbox entry" } as const;
      const entry = found.value;
      if (entry.sentAt !== null) return { _tag: "NothingToSend", outboxId, reason: "already sent" } as const;
      if (entry.abandonedAt !== null)
        return { _tag: "NothingToSend", outboxId, reason: "given up on already" } as const;
      const video = yield* videos.findByKey(entry.videoKey);
      const collection = Option.isSome(video)
        ? yield* collections.findByKey(video.value.collectionKey)
        : Option.none();
      if (Option.isNone(video) || Option.isNone(collection)) {
        yield* mailOutbox.markSent(outboxId, clock.now());
        return {
          _tag: "NothingToSend",
          outboxId,
          reason: "the video or its collection no longer exists",
        } as const;
      }
      return yield* Effect.catchAll(this.deliver(entry, video.value, collection.value), (failure) =>
        this.recordFailure(entry, failure),
      );
    }).pipe(Effect.withSpan("SendStatusEmail.run"));
  }

  private deliver(
    entry: OutboxEntry,
    video: Video,
    collection: Collection,
  ): Effect.Effect<StatusEmailResult, Failure | RecordNotFound | PersistenceFailure> {
    const { mailOutbox, users, groupDirectory, mailer, clock } = this.ports;
    const { baseUrl, supportEmail } = this.settings;
    return Effect.gen(this, function* () {
      const owner = Option.getOrUndefined(yield* users.findById(collection.ownerId));
      const adminGroups: ReadonlyArray<{ readonly name: string } & GroupMembership> = yield* Effect.forEach(
        collection.adminLists,
        (name) => Effect.map(groupDirectory.membersOf(name), (membership) => ({ name, ...membership })),
      );
      const ownerGroups =
        owner === undefined
          ? []
          : adminGroups
              .filter((group) => group.members.some((member) => isOwner(owner, member)))
              .map((group) => group.name);
      const recipients = notificationRecipients({
        owner: { email: owner?.email ?? "", groups: ownerGroups },
        adminGroups,
      });
      const context = notificationContext({ baseUrl, video, collection, supportEmail });
      const email = renderNotification(entry.template, context);
      const wantsSupportCopy =
        notificationTemplateFor({ from: entry.fromStatus, to: entry.toStatus })?.supportDebugCopy ?? false;
      // Built now, sent only after the recipients' message went out.
      const sendSupportCopy: Effect.Effect<SupportCopy> = wantsSupportCopy
        ? Effect.match(
            Effect.suspend(() =>
              mailer.send({
                from: supportEmail,
                to: [supportEmail],
                ...renderSupportDebugEmail({
                  video: { key: video.key, title: video.title, status: entry.toStatus },
                  collection,
                  owner: { username: owner?.username ?? "(unknown)", email: owner?.email ?? "" },
                  recipients,
                  email,
                  videoUrl: context.videoUrl,
                }),
              }),
            ),
            {
              onFailure: (failure): SupportCopy => ({ _tag: "Failed", reason: failure.reason }),
              onSuccess: (): SupportCopy => ({ _tag: "Sent" }),
            },
          )
        : Effect.succeed({ _tag: "NotNeeded" });

      if (recipients.length === 0) {
        const supportCopy = yield* sendSupportCopy;
        const reason =
          "the status email has no recipient: no admin group of the collection is a mail list, and the owner is in one of its admin groups or has no address";
        return yield* this.abandon(entry.id, reason, supportCopy);
      }
      yield* mailer.send({ from: supportEmail, to: recipients, ...email });
      const supportCopy = yield* sendSupportCopy;
      yield* mailOutbox.markSent(entry.id, clock.now());
      return { _tag: "Sent", outboxId: entry.id, recipients, supportCopy } as const;
    });
  }

  /**
   * Transient: recorded, then the job fails so the queue retries, unless that was the last
   * attempt. Permanent, or the last attempt: recorded, the entry abandoned, and the job ends.
   */
  private recordFailure(
    entry: OutboxEntry,
    failure: Failure | RecordNotFound | PersistenceFailure,
  ): Effect.Effect<StatusEmailResult, SendStatusEmailError> {
    const { mailOutbox, clock } = this.ports;
    if (failure._tag !== "MailFailure" && failure._tag !== "DirectoryFailure") return Effect.fail(failure);
    return Effect.flatMap(
      mailOutbox.recordFailure(entry.id, failure.message, clock.now()),
      (recorded): Effect.Effect<StatusEmailResult, SendStatusEmailError> =>
        failure.transient && recorded.attempts < MAX_MAIL_ATTEMPTS
          ? Effect.fail(failure)
          : this.abandon(entry.id, failure.message, { _tag: "NotNeeded" }),
    );
  }

  /** Abandons the entry; one sent or abandoned meanwhile (a race) is left as it is. */
  private abandon(
    outboxId: string,
    reason: string,
    supportCopy: SupportCopy,
  ): Effect.Effect<StatusEmailResult, RecordNotFound | PersistenceFailure> {
    const { mailOutbox, clock } = this.ports;
    return Effect.map(
      mailOutbox.markAbandoned(outboxId, reason, clock.now()),
      Option.match({
        onNone: (): StatusEmailResult => ({
          _tag: "NothingToSend",
          outboxId,
          reason: "sent or given up on meanwhile",
        }),
        onSome: (): StatusEmailResult => ({ _tag: "Abandoned", outboxId, reason, supportCopy }),
      }),
    );
  }
}
