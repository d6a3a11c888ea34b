import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userPrincipal } from "@ovs/domain";
import { aUser, run, storeIn } from "@ovs/domain/testing";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";

let service: TestService;
let staffToken: string;
let strangerToken: string;

const failedJobs = (query = "", token?: string) =>
  fetch(`${service.base}/api/v0/jobs/failed/${query}`, {
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });

beforeAll(async () => {
  service = await startTestService();
  const store = storeIn(service.ports);
  const issue = async (user: Awaited<ReturnType<typeof store.user>>) =>
    (await service.ovs.useCases.issueApiToken(userPrincipal(user), { name: "tests" })).token;
  staffToken = await issue(await store.user(aUser().named("operator@example.edu").staff()));
  strangerToken = await issue(await store.user(aUser().named("someone@example.edu")));
});

afterAll(async () => {
  await service.stop();
});

describe("GET /api/v0/jobs/failed/", () => {
  it("shows staff a job that failed, with its queue, payload and failure; nobody else", async () => {
    // A payload no handler can take: the worker records the failure instead of dropping the job.
    await run(service.harness.jobs.enqueue("video.transcode", { videoKey: "not-a-key" } as never));
    await service.ovs.workers.start();
    let body: { count: number; results: Array<Record<string, unknown>> } = { count: 0, results: [] };
    for (let attempt = 0; attempt < 100 && body.count === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      body = (await (await failedJobs("", staffToken)).json()) as typeof body;
    }
    await service.ovs.workers.stop();

    expect(body.count).toBe(1);
    expect(body.results[0]).toMatchObject({
      queue: "video.transcode",
      payload: { videoKey: "not-a-key" },
      end: "not_retried",
      failure: { tag: "InvalidInput" },
      attempts: 1,
    });
    expect((await failedJobs("", strangerToken)).status).toBe(403);
    expect((await failedJobs()).status).toBe(403);
  });

  it("refuses a limit that is not a whole number from 1 to 500, naming it", async () => {
    for (const limit of ["0", "501", "ten", "-1"]) {
      const answer = await failedJobs(`?limit=${limit}`, staffToken);
      expect(answer.status, limit).toBe(400);
      expect(await answer.json()).toEqual({ limit: ["Expected a whole number from 1 to 500."] });
    }
    expect((await failedJobs("?limit=1", staffToken)).status).toBe(200);
  });
});
