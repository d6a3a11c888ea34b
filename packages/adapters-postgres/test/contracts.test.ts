import { afterAll, beforeAll, describe } from "vitest";
import {
  describeJobQueueContract,
  describeLeaseContract,
  describeRepositoryContracts,
} from "@ovs/domain/contracts";
import type { MakeRepositories } from "@ovs/domain/contracts";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

for (const backendName of backendsToRun()) {
  describe(`adapters-postgres on ${backendName}`, () => {
    let backend: TestBackend | undefined;
    beforeAll(async () => {
      backend = await openTestBackend(backendName);
    }, 60_000);
    afterAll(async () => {
      await backend?.close();
    });

    const current = (): TestBackend => {
      if (backend === undefined) throw new Error(`the ${backendName} backend did not open`);
      return backend;
    };

    const makeRepositories: MakeRepositories = async () => {
      const opened = current();
      await opened.reset();
      return { ...opened.adapters, pendingJobs: () => opened.pendingJobs() };
    };

    describeRepositoryContracts(`postgres (${backendName})`, makeRepositories);
    describeJobQueueContract(`pg-boss (${backendName})`, async () => {
      const opened = current();
      await opened.reset();
      return {
        queue: opened.adapters.jobs,
        pendingPayloads: async (queue) => (await opened.pendingJobs(queue)).map((job) => job.payload),
      };
    });
    describeLeaseContract(`lease table (${backendName})`, async () => ({
      lease: current().adapters.lease,
      advance: sleep,
    }));
  });
}
