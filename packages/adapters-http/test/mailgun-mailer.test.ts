import type { ServerResponse } from "node:http";
import { Duration, Effect, Redacted } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureOf } from "@ovs/domain/testing";
import { describeMailerContract } from "@ovs/domain/contracts";
import {
  MailgunMailer,
  makeMailgunMailerSettings,
  type MailgunMailerSettingsInput,
} from "../src/mailgun-mailer.js";
import {
  readRequestText,
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
} from "./support/loopback-server.js";

const API_KEY = "key-fake-mailgun-0123456789";
const DOMAIN_PATH = "/v3/mg.example.edu";

interface ReceivedRequest {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly form: URLSearchParams;
}

/** A local server speaking Mailgun's `POST /v3/<domain>/messages`. */
class FakeMailgun {
  readonly received: Array<ReceivedRequest> = [];
  /** Statuses to answer with, one per request, before answering normally. */
  readonly scriptedStatuses: Array<number> = [];
  stallMs = 0;
  private sequence = 0;

  private constructor(readonly server: LoopbackServer) {}

  static async start(): Promise<FakeMailgun> {
    const started: { fake?: FakeMailgun } = {};
    const server = await startLoopbackServer(async (request, response) => {
      const fake = started.fake;
      if (fake === undefined) throw new Error("not started");
      const form = new URLSearchParams(await readRequestText(request));
      fake.received.push({ path: request.url ?? "", headers: request.headers, form });
      await fake.answer(request.url ?? "", request.headers.authorization, form, response);
    });
    const fake = new FakeMailgun(server);
    started.fake = fake;
    return fake;
  }

  get apiUrl(): string {
    return `${this.server.url}${DOMAIN_PATH}`;
  }

  /** One entry per recipient of every accepted request. */
  get deliveries(): ReadonlyArray<{ readonly recipient: string; readonly subject: string }> {
    return this.received.flatMap((request) =>
      request.form
        .getAll("to")
        .map((recipient) => ({ recipient, subject: request.form.get("subject") ?? "" })),
    );
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async answer(
    path: string,
    authorization: string | undefined,
    form: URLSearchParams,
    response: ServerResponse,
  ): Promise<void> {
    if (this.stallMs > 0) await new Promise((resolve) => setTimeout(resolve, this.stallMs));
    if (response.destroyed) return;
    const scripted = this.scriptedStatuses.shift();
    if (scripted !== undefined) {
      sendJson(response, scripted, { message: `scripted ${scripted}` });
      return;
    }
    if (path !== `${DOMAIN_PATH}/messages`) {
      sendJson(response, 404, { message: "not found" });
      return;
    }
    if (authorization !== `Basic ${Buffer.from(`api:${API_KEY}`).toString("base64")}`) {
      response.writeHead(401, { "content-type": "text/plain" }).end("Forbidden");
      return;
    }
    if (form.get("from") === null || form.getAll("to").length === 0 || form.get("subject") === null) {
      sendJson(response, 400, { message: "'from' parameter is missing" });
      return;
    }
    this.sequence += 1;
    sendJson(response, 200, { id: `<${this.sequence}.fake@mg.example.edu>`, message: "Queued. Thank you." });
  }
}

describeMailerContract("Mailgun against a local Mailgun", async () => {
  const mailgun = await FakeMailgun.start();
  return {
    mailer: new MailgunMailer(
      makeMailgunMailerSettings({ apiUrl: mailgun.apiUrl, apiKey: Redacted.make(API_KEY) }),
    ),
    deliveries: async () => mailgun.deliveries,
    dispose: () => mailgun.close(),
  };
});

describe("MailgunMailer", () => {
  let mailgun: FakeMailgun;
  const mailerWith = (overrides: Partial<MailgunMailerSettingsInput> = {}): MailgunMailer =>
    new MailgunMailer(
      makeMailgunMailerSettings({
        apiUrl: mailgun.apiUrl,
        apiKey: Redacted.make(API_KEY),
        timeout: Duration.seconds(2),
        ...overrides,
      }),
    );
  const message = {
    from: "ODL Video <video-support@example.edu>",
    to: ["ada@example.edu", "grace@example.edu"],
    subject: 'Video "Lecture 1" is ready',
    text: "Lecture 1 is ready (https://video.example.edu/videos/abc/)",
    html: '<p>Lecture 1 is ready: <a href="https://video.example.edu/videos/abc/">watch</a></p>',
  };

  beforeAll(async () => {
    mailgun = await FakeMailgun.start();
  });

  afterAll(async () => {
    await mailgun.close();
  });

  it("posts the form Mailgun expects, field by field", async () => {
    const before = mailgun.received.length;
    const result = await Effect.runPromise(mailerWith().send(message));
    expect(result.messageId).toMatch(/^<\d+\.fake@mg\.example\.edu>$/);
    const request = mailgun.received[before];
    expect(request?.path).toBe(`${DOMAIN_PATH}/messages`);
    expect(request?.headers["authorization"]).toBe(
      `Basic ${Buffer.from(`api:${API_KEY}`).toString("base64")}`,
    );
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = request?.form;
    expect(form?.get("from")).toBe(message.from);
    expect(form?.getAll("to")).toEqual(message.to);
    expect(form?.get("subject")).toBe(message.subject);
    expect(form?.get("text")).toBe(message.text);
    expect(form?.get("html")).toBe(message.html);
    expect(JSON.parse(form?.get("recipient-variables") ?? "")).toEqual({
      "ada@example.edu": {},
      "grace@example.edu": {},
    });
    expect([...(form?.keys() ?? [])].sort()).toEqual([
      "from",
      "html",
      "recipient-variables",
      "subject",
      "text",
      "to",
      "to",
    ]);
  });

  it("leaves html out when the message has none", async () => {
    const before = mailgun.received.length;
    await Effect.runPromise(
      mailerWith().send({ from: message.from, to: ["ada@example.edu"], subject: "s", text: "t" }),
    );
    expect(mailgun.received[before]?.form.has("html")).toBe(false);
  });

  it("sends in batches of the configured size", async () => {
    const before = mailgun.received.length;
    const to = ["a@example.edu", "b@example.edu", "c@example.edu", "d@example.edu", "e@example.edu"];
    await Effect.runPromise(mailerWith({ batchSize: 2 }).send({ ...message, to }));
    const batches = mailgun.received.slice(before).map((request) => request.form.getAll("to"));
    expect(batches).toEqual([to.slice(0, 2), to.slice(2, 4), to.slice(4)]);
    expect(
      Object.keys(JSON.parse(mailgun.received[before + 2]?.form.get("recipient-variables") ?? "")),
    ).toEqual(["e@example.edu"]);
  });

  it("sends everything to the override address when one is set", async () => {
    const before = mailgun.received.length;
    await Effect.runPromise(mailerWith({ recipientOverride: "qa@example.edu" }).send(message));
    expect(mailgun.received.slice(before).map((request) => request.form.getAll("to"))).toEqual([
      ["qa@example.edu"],
    ]);
  });

  it("reports 503 and 429 as transient and does not retry itself (the mail job does)", async () => {
    for (const status of [503, 429]) {
      const before = mailgun.received.length;
      mailgun.scriptedStatuses.push(status);
      const failure = await failureOf(mailerWith().send(message));
      expect(failure).toMatchObject({ _tag: "MailFailure", transient: true });
      expect(failure.reason).toContain(String(status));
      expect(mailgun.received.length).toBe(before + 1);
    }
  });

  it("reports 400 and 403 and a wrong key as permanent, without retrying and without the key", async () => {
    for (const status of [400, 403]) {
      const before = mailgun.received.length;
      mailgun.scriptedStatuses.push(status);
      expect(await failureOf(mailerWith().send(message))).toMatchObject({ transient: false });
      expect(mailgun.received.length).toBe(before + 1);
    }
    const wrongKey = await failureOf(mailerWith({ apiKey: Redacted.make("key-wrong") }).send(message));
    expect(wrongKey).toMatchObject({ transient: false, reason: "Mailgun refused the API key (401)" });
  });

  it("refuses a message without recipients without calling Mailgun", async () => {
    const before = mailgun.received.length;
    expect(await failureOf(mailerWith().send({ ...message, to: [] }))).toMatchObject({ transient: false });
    expect(mailgun.received.length).toBe(before);
  });

  it("gives up after the timeout with a transient failure", async () => {
    mailgun.stallMs = 1_000;
    try {
      const failure = await failureOf(mailerWith({ timeout: Duration.millis(100) }).send(message));
      expect(failure).toMatchObject({ transient: true });
      expect(failure.reason).toContain("timed out");
    } finally {
      mailgun.stallMs = 0;
    }
  });

  it("reports an unreachable Mailgun as transient", async () => {
    const failure = await failureOf(mailerWith({ apiUrl: "http://127.0.0.1:9/v3/x" }).send(message));
    expect(failure).toMatchObject({ transient: true });
  });
});
