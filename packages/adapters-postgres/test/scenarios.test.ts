import { afterAll, beforeAll, describe } from "vitest";
import {
  describeConcurrentRetryScenarios,
  describeDropboxUploadScenarios,
  describeUploadRollbackScenarios,
} from "@ovs/domain/contracts";
import type { MakeScenarioHarness } from "@ovs/domain/testing";
import { makePostgresScenarioHarness } from "./support/scenario-harness.js";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

/**
 * The domain's use-case scenarios on the second harness configuration: repositories, unit of
 * work, pg-boss and leases on a real database (PGlite always, the Postgres server when
 * DATABASE_URL is set), so rollback, compare-and-set and idempotency are proven there too.
 */
for (const backendName of backendsToRun()) {
  describe(`scenarios on ${backendName}`, () => {
    let backend: TestBackend | undefined;
    beforeAll(async () => {
      backend = await openTestBackend(backendName);
    }, 60_000);
    afterAll(async () => {
      await backend?.close();
    });

    const makeHarness: MakeScenarioHarness = async () => {
      if (backend === undefined) throw new Error(`the ${backendName} backend did not open`);
      await backend.reset();
      return makePostgresScenarioHarness(backend);
    };

    describeDropboxUploadScenarios(`postgres (${backendName})`, makeHarness);
    describeConcurrentRetryScenarios(`postgres (${backendName})`, makeHarness);
    describeUploadRollbackScenarios(`postgres (${backendName})`, makeHarness);
  });
}
