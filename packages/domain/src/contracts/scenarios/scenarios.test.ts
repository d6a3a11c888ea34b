import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import type { MakeScenarioHarness } from "../../testing/scenario-harness.js";
import { describeConcurrentRetryScenarios } from "./concurrent-retry-of-failed-upload.js";
import { describeDropboxUploadScenarios } from "./dropbox-upload-to-complete.js";
import { describeUploadRollbackScenarios } from "./upload-rollback.js";

/** The scenarios on the in-memory harness; adapters-postgres runs them on PGlite and Postgres. */
const inMemory: MakeScenarioHarness = () => makeInMemoryHarness();

describeDropboxUploadScenarios("in memory", inMemory);
describeConcurrentRetryScenarios("in memory", inMemory);
describeUploadRollbackScenarios("in memory", inMemory);
