import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordVideoEvent, hexKey, userPrincipal } from "@ovs/domain";
import { aUser, aVideo, run, storeIn } from "@ovs/domain/testing";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";

let service: TestService;
let staffToken: string;
let superuserToken: string;
let strangerToken: string;

const mailFailed = (query = "", token?: string) =>
  fetch(`${service.base}/api/v0/mail/failed/${query}`, {
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });

type Listing = { count: number; results: Array<Record<string, unknown>> };

beforeAll(async () => {
  service = await startTestService();
  const store = storeIn(service.ports);
  const issue = async (user: Awaited<ReturnType<typeof store.user>>) =>
    (await service.ovs.useCases.issueApiToken(userPrincipal(user), { name: "tests" })).token;
  staffToken = await issue(await store.user(aUser().named("operator@example.edu").staff()));
  superuserToken = await issue(await store.user(aUser().named("root@example.edu").superuser()));
  strangerToken = await issue(await store.user(aUser().named("someone@example.edu")));
});

afterAll(async () => {
  await service.stop();
});

describe("GET /api/v0/mail/failed/", () => {
  it("shows staff a status email the mail service refused for good; nobody else", async () => {
    const store = storeIn(service.ports);
    const owner = await store.user(aUser().named("owner@example.edu"));
    const video = await store.video(
      await store.collection(undefined, owner),
      aVideo().titled("Lecture 1").withStatus("Transcoding"),
    );
    await run(new RecordVideoEvent(service.ports).run(video.key, "TranscodeCompleted"));
    service.harness.mailer.failNext(1, { transient: false, reason: "domain not verified" });

    await service.ovs.workers.start();
    let body: Listing = { count: 0, results: [] };
    for (let attempt = 0; attempt < 100 && body.count === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      body = (await (await mailFailed("", staffToken)).json()) as Listing;
    }
    await service.ovs.workers.stop();

    expect(body.count).toBe(1);
    expect(body.results[0]).toEqual({
      id: expect.any(String),
      video_key: hexKey(video.key),
      template: "success",
      from_status: "Transcoding",
      to_status: "Complete",
      attempts: 1,
      reason: "sending mail failed: domain not verified",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      abandoned_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(service.harness.mailer.outbox).toEqual([]);
    expect(await (await mailFailed("", superuserToken)).json()).toEqual(body);

    const stranger = await mailFailed("", strangerToken);
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toHaveProperty("detail");
    const anonymous = await mailFailed();
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toHaveProperty("detail");
  });

  it("refuses a limit that is not a whole number from 1 to 500, naming it", async () => {
    for (const limit of ["0", "501", "ten", "-1", "2.5"]) {
      const answer = await mailFailed(`?limit=${limit}`, staffToken);
      expect(answer.status, limit).toBe(400);
      expect(await answer.json()).toEqual({ limit: ["Expected a whole number from 1 to 500."] });
    }
    const one = await mailFailed("?limit=1", staffToken);
    expect(one.status).toBe(200);
    expect(((await one.json()) as Listing).results.length).toBeLessThanOrEqual(1);
  });
});
