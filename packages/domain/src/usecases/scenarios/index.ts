/**
 * `@ovs/domain/scenarios`: the use-case scenario suites, run on any `ScenarioHarness` — the
 * in-memory one here, database-backed ones in the adapter packages. They are test suites
 * (vitest `describe`/`it`), so only test files import them.
 */
export * from "./concurrent-retry-of-failed-upload.js";
export * from "./dropbox-upload-to-complete.js";
export * from "./scenario-support.js";
export * from "./upload-rollback.js";
