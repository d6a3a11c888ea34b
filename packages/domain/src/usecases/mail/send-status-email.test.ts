import { Effect, Either, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import type { User } from "../../model/user.js";
import type { VideoStatus } from "../../model/video.js";
import type { VideoEvent } from "../../policy/video-status.js";
import type { VideoRepository } from "../../ports/video-repository.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import type { DomainPorts } from "../domain-ports.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import { MAX_MAIL_ATTEMPTS, SendStatusEmail } from "./send-status-email.js";
import type { StatusEmailResult } from "./send-status-email.js";

const SUPPORT = "video-support@example.edu";

interface Scenario {
  readonly adminLists?: ReadonlyArray<string>;
  readonly videoTitle?: string;
  readonly collectionTitle?: string;
  readonly from?: VideoStatus;
  readonly event?: VideoEvent;
}

/** A video whose status just changed, with its outbox entry and `mail.send` job, as RecordVideoEvent leaves them. */
const setUp = async ({
  adminLists = [],
  videoTitle = "Lecture 1",
  collectionTitle = "Physics 8.01",
  from = "Transcoding",
  event = "TranscodeCompleted",
}: Scenario = {}) => {
  const harness = makeInMemoryHarness();
  const owner = await storeIn(harness).user(aUser().named("owner@example.edu"));
  const collection = await storeIn(harness).collection(
    aCollection()
      .titled(collectionTitle)
      .withAdminLists(...adminLists),
    owner,
  );
  const video = await storeIn(harness).video(collection, aVideo().titled(videoTitle).withStatus(from));
  await Effect.runPromise(new RecordVideoEvent(harness.ports).run(video.key, event));
  const [job] = harness.jobs.pending("mail.send");
  if (job === undefined) throw new Error(`${from} → ${event} mails nobody`);
  const outboxId = job.payload.outboxId;
  const send = (ports: DomainPorts = harness.ports) =>
    Effect.runPromise(Effect.either(new SendStatusEmail(ports, testSettings()).run({ outboxId })));
  const entry = async () => Option.getOrThrow(await Effect.runPromise(harness.mailOutbox.findById(outboxId)));
  return { harness, owner, collection, video, outboxId, send, entry };
};

const sent = (result: Either.Either<StatusEmailResult, unknown>): StatusEmailResult => {
  if (Either.isLeft(result)) throw new Error(`expected a result, got ${String(result.left)}`);
  return result.right;
};

const member = (username: string) => ({ username, email: username });

const mailList = (
  harness: InMemoryHarness,
  name: string,
  members: ReadonlyArray<string>,
  isMailList = true,
) => harness.groupDirectory.addGroup(name, { members: members.map(member), isMailList });

const ownerMember = (owner: User) => ({ username: owner.username, email: owner.email });

describe("sending a status email", () => {
  it("tells the owner their video is ready, with links to the video and the collection, once", async () => {
    const { harness, video, collection, send, entry } = await setUp();

    const result = sent(await send());
    const again = sent(await send());

    expect(result).toMatchObject({
      _tag: "Sent",
      recipients: ["owner@example.edu"],
      supportCopy: { _tag: "NotNeeded" },
    });
    expect(again).toMatchObject({ _tag: "NothingToSend", reason: "already sent" });
    expect(harness.mailer.outbox).toHaveLength(1);
    const message = harness.mailer.outbox[0]?.message;
    expect(message).toMatchObject({
      from: SUPPORT,
      to: ["owner@example.edu"],
      subject: 'Video "Lecture 1" is ready in collection "Physics 8.01"',
    });
    const videoUrl = `https://video.example.edu/videos/${hexKey(video.key)}/`;
    const collectionUrl = `https://video.example.edu/collections/${hexKey(collection.key)}`;
    expect(message?.text).toContain(`Video: Lecture 1 (${videoUrl})`);
    expect(message?.text).toContain(`Collection: Physics 8.01 (${collectionUrl})`);
    expect(message?.html).toContain("<title>Lecture 1</title>");
    expect(message?.html).toContain(`<a href="${collectionUrl}">Physics 8.01</a>`);
    expect(message?.html).toMatch(
      new RegExp(`<a class="button" href="${videoUrl}"[^>]*>View Your Video</a>`),
    );
    expect((await entry()).sentAt).toEqual(harness.clock.now());
  });

  it("mails the members of admin groups that are mail lists, once per address", async () => {
    const { harness, send } = await setUp({ adminLists: ["physics-staff", "physics-tas"] });
    mailList(harness, "physics-staff", ["prof@example.edu", "Admin@Example.edu"]);
    mailList(harness, "physics-tas", ["ta@example.edu", "admin@example.edu"]);

    const result = sent(await send());

    expect(result).toMatchObject({
      _tag: "Sent",
      recipients: ["prof@example.edu", "Admin@Example.edu", "ta@example.edu", "owner@example.edu"],
    });
    expect(harness.mailer.outbox.map(({ message }) => message.to)).toEqual([
      ["prof@example.edu", "Admin@Example.edu", "ta@example.edu", "owner@example.edu"],
    ]);
  });

  it("leaves the owner out when an admin group with members speaks for them, even one that is not a mail list", async () => {
    const { harness, owner, send } = await setUp({ adminLists: ["physics-staff", "physics-tas"] });
    mailList(harness, "physics-staff", ["prof@example.edu"]);
    mailList(harness, "physics-tas", ["ta@example.edu"], false);
    harness.groupDirectory.addMember("physics-tas", ownerMember(owner));

    expect(sent(await send())).toMatchObject({ _tag: "Sent", recipients: ["prof@example.edu"] });
  });

  it("mails the owner but not the members of admin groups that are not mail lists", async () => {
    const { harness, send } = await setUp({ adminLists: ["physics-tas"] });
    mailList(harness, "physics-tas", ["ta@example.edu"], false);

    expect(sent(await send())).toMatchObject({ _tag: "Sent", recipients: ["owner@example.edu"] });
  });

  it("gives support a DEBUG copy of an upload failure, naming who was told", async () => {
    const { harness, video, send } = await setUp({ from: "Uploading", event: "IngestFailed" });

    const result = sent(await send());

    expect(result).toMatchObject({ _tag: "Sent", supportCopy: { _tag: "Sent" } });
    const [toOwner, toSupport] = harness.mailer.outbox.map(({ message }) => message);
    expect(toOwner).toMatchObject({
      to: ["owner@example.edu"],
      subject: 'Error posting your video "Lecture 1"',
    });
    expect(toSupport).toMatchObject({
      from: SUPPORT,
      to: [SUPPORT],
      subject: 'DEBUG:Error posting your video "Lecture 1"',
    });
    expect(toSupport?.text).toContain(`--- DEBUG INFO ---\nVideo: Lecture 1 (key ${hexKey(video.key)})`);
    expect(toSupport?.text).toContain("Status: Upload failed");
    expect(toSupport?.text).toContain("<RECIPIENT(S)>:\nowner@example.edu\n</RECIPIENT(S)>:");
    expect(toSupport?.text).toContain('<SUBJECT>\nError posting your video "Lecture 1"\n</SUBJECT>');
    expect(toSupport?.text).toContain(`<BODY>\n${toOwner?.text.trimEnd() ?? "?"}\n</BODY>`);
  });

  it("uses the template of the change that was recorded, whatever the video's status is now", async () => {
    const { harness, video, send } = await setUp();
    await Effect.runPromise(
      harness.videos.compareAndSetStatus(
        video.key,
        ["Complete"],
        "Retranscode scheduled",
        harness.clock.now(),
      ),
    );

    sent(await send());

    expect(harness.mailer.outbox[0]?.message.subject).toBe(
      'Video "Lecture 1" is ready in collection "Physics 8.01"',
    );
  });

  it("escapes titles in the HTML part and keeps the subject plain", async () => {
    const { harness, send } = await setUp({
      videoTitle: "<b>Tom & Jerry</b>",
      collectionTitle: 'Cartoons "101"',
    });

    sent(await send());

    const message = harness.mailer.outbox[0]?.message;
    expect(message?.subject).toBe('Video "<b>Tom & Jerry</b>" is ready in collection "Cartoons "101""');
    expect(message?.html).toContain("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;");
    expect(message?.html).not.toContain("<b>Tom");
  });

  describe("when nobody can be told", () => {
    it("records the email as abandoned, and support still hears of a failure", async () => {
      const { harness, owner, send, entry } = await setUp({
        from: "Uploading",
        event: "IngestFailed",
        adminLists: ["physics-tas"],
      });
      mailList(harness, "physics-tas", ["ta@example.edu"], false);
      harness.groupDirectory.addMember("physics-tas", ownerMember(owner));

      const result = sent(await send());

      expect(result).toMatchObject({ _tag: "Abandoned", supportCopy: { _tag: "Sent" } });
      expect(harness.mailer.outbox.map(({ message }) => message.to)).toEqual([[SUPPORT]]);
      expect(harness.mailer.outbox[0]?.message.text).toContain("<RECIPIENT(S)>:\n(none)\n</RECIPIENT(S)>:");
      expect(await entry()).toMatchObject({
        sentAt: null,
        abandonedAt: harness.clock.now(),
        attempts: 0,
        lastError: expect.stringMatching(/^the status email has no recipient/),
      });
    });

    it("sends nothing for a success nobody is to hear of", async () => {
      const { harness, owner, send } = await setUp({ adminLists: ["physics-tas"] });
      mailList(harness, "physics-tas", ["ta@example.edu"], false);
      harness.groupDirectory.addMember("physics-tas", ownerMember(owner));

      expect(sent(await send())).toMatchObject({ _tag: "Abandoned", supportCopy: { _tag: "NotNeeded" } });
      expect(harness.mailer.outbox).toEqual([]);
    });
  });

  describe("when sending fails", () => {
    it("records a transient failure and fails so the queue retries; the retry sends one email", async () => {
      const { harness, send, entry } = await setUp();
      harness.mailer.failNext(1, { transient: true, reason: "Mailgun answered 502" });

      const failed = await send();

      expect(Either.isLeft(failed) && failed.left).toMatchObject({ _tag: "MailFailure", transient: true });
      expect(await entry()).toMatchObject({
        sentAt: null,
        attempts: 1,
        lastError: expect.stringContaining("Mailgun answered 502"),
      });
      expect(sent(await send())._tag).toBe("Sent");
      expect(harness.mailer.outbox).toHaveLength(1);
      expect(await entry()).toMatchObject({ attempts: 2 });
    });

    it("records a permanent failure, abandons the email at once, and never sends it", async () => {
      const { harness, send, entry } = await setUp();
      harness.mailer.failNext(1, { transient: false, reason: "domain not verified" });

      const result = sent(await send());
      const again = sent(await send());

      expect(result).toMatchObject({
        _tag: "Abandoned",
        reason: expect.stringContaining("domain not verified"),
      });
      expect(await entry()).toMatchObject({
        sentAt: null,
        abandonedAt: harness.clock.now(),
        attempts: 1,
        lastError: "sending mail failed: domain not verified",
      });
      expect(again).toMatchObject({ _tag: "NothingToSend", reason: "given up on already" });
      expect(harness.mailer.outbox).toEqual([]);
      expect(await Effect.runPromise(harness.mailOutbox.listAbandoned(10))).toMatchObject([
        { id: (await entry()).id },
      ]);
    });

    it(`retries transient failures and abandons the email at the ${MAX_MAIL_ATTEMPTS}th, ending the job`, async () => {
      const { harness, send, entry } = await setUp();
      harness.mailer.failNext(MAX_MAIL_ATTEMPTS, { transient: true, reason: "Mailgun answered 502" });

      for (let attempt = 1; attempt < MAX_MAIL_ATTEMPTS; attempt += 1) {
        const failed = await send();
        expect(Either.isLeft(failed) && failed.left, `attempt ${attempt}`).toMatchObject({
          _tag: "MailFailure",
          transient: true,
        });
        expect(await entry()).toMatchObject({ attempts: attempt, abandonedAt: null });
      }
      const last = sent(await send());

      expect(last).toMatchObject({
        _tag: "Abandoned",
        reason: expect.stringContaining("Mailgun answered 502"),
      });
      expect(await entry()).toMatchObject({
        sentAt: null,
        abandonedAt: harness.clock.now(),
        attempts: MAX_MAIL_ATTEMPTS,
        lastError: expect.stringContaining("Mailgun answered 502"),
      });
      expect(sent(await send())).toMatchObject({ _tag: "NothingToSend", reason: "given up on already" });
      expect(harness.mailer.outbox).toEqual([]);
    });

    it("still marks the email sent when only support's copy fails", async () => {
      const { harness, send, entry } = await setUp({ from: "Uploading", event: "IngestFailed" });
      const realSend = harness.mailer.send.bind(harness.mailer);
      let sends = 0;
      const mailer = {
        send: (message: Parameters<typeof realSend>[0]) => {
          sends += 1;
          if (sends === 2) harness.mailer.failNext(1, { transient: true, reason: "timeout" });
          return realSend(message);
        },
      };

      const result = sent(await send({ ...harness.ports, mailer }));

      expect(result).toMatchObject({ _tag: "Sent", supportCopy: { _tag: "Failed", reason: "timeout" } });
      expect((await entry()).sentAt).not.toBeNull();
      expect(harness.mailer.outbox.map(({ message }) => message.to)).toEqual([["owner@example.edu"]]);
    });
  });

  describe("when the group directory fails", () => {
    it("records a transient failure, mails nobody, and fails so the queue retries", async () => {
      const { harness, send, entry } = await setUp({ adminLists: ["physics-staff"] });
      harness.groupDirectory.failNext({ transient: true, reason: "Keycloak timed out" });

      const failed = await send();

      expect(Either.isLeft(failed) && failed.left).toMatchObject({
        _tag: "DirectoryFailure",
        transient: true,
      });
      expect(harness.mailer.outbox).toEqual([]);
      expect(await entry()).toMatchObject({ sentAt: null, attempts: 1 });
      expect(sent(await send())._tag).toBe("Sent");
    });

    it("records a permanent failure and stops", async () => {
      const { harness, send, entry } = await setUp({ adminLists: ["physics-staff"] });
      harness.groupDirectory.failNext({ transient: false, reason: "service account lacks view-users" });

      expect(sent(await send())).toMatchObject({ _tag: "Abandoned" });
      expect(await entry()).toMatchObject({
        abandonedAt: harness.clock.now(),
        lastError: expect.stringMatching(/view-users/),
      });
      expect(harness.mailer.outbox).toEqual([]);
    });
  });

  describe("when there is nothing to send", () => {
    it("does nothing for an entry that does not exist, or went with its deleted video", async () => {
      const { harness, video, send } = await setUp();
      await Effect.runPromise(harness.videos.delete(video.key));

      expect(sent(await send())).toMatchObject({ _tag: "NothingToSend", reason: "no such outbox entry" });
      expect(harness.mailer.outbox).toEqual([]);
    });

    it("marks the entry done without mailing when its video cannot be found", async () => {
      const { harness, send, entry } = await setUp();
      const videos = Object.assign(Object.create(harness.videos) as VideoRepository, {
        findByKey: () => Effect.succeed(Option.none()),
      });

      expect(sent(await send({ ...harness.ports, videos }))).toMatchObject({ _tag: "NothingToSend" });
      expect((await entry()).sentAt).not.toBeNull();
      expect(harness.mailer.outbox).toEqual([]);
    });

    it("refuses a malformed job", async () => {
      const { harness } = await setUp();
      const result = await Effect.runPromise(
        Effect.either(new SendStatusEmail(harness.ports, testSettings()).run({ outboxId: "" })),
      );
      expect(Either.isLeft(result) && result.left).toMatchObject({
        _tag: "InvalidInput",
        problems: [{ field: "outboxId" }],
      });
    });
  });
});
