import { Effect, Option } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { MakeScenarioHarness, ScenarioHarness } from "../../testing/scenario-harness.js";

/**
 * Shared by the scenario suites. These modules are test suites (they call vitest's `describe`
 * and `it`), imported only by `.test.ts` files — here and in the adapter packages, which run
 * the same scenarios on their own harness configuration.
 */

/** Runs one scenario on a fresh harness and disposes of it whatever happens. */
export const onFreshHarness =
  (make: MakeScenarioHarness) =>
  async (scenario: (harness: ScenarioHarness) => Promise<void>): Promise<void> => {
    const harness = await make();
    try {
      await scenario(harness);
    } finally {
      await harness.dispose();
    }
  };

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

/** The video with its files and thumbnails, read through the port; a missing video fails the test. */
export const detailsOf = async (harness: ScenarioHarness, key: VideoKey) => {
  const details = await run(harness.videos.findDetailsByKey(key));
  if (Option.isNone(details)) throw new Error(`video ${key} is gone`);
  return details.value;
};

/** Hands out the given video keys first, then falls back to `ids`: lets a scenario arrange a clash. */
export const scriptedVideoKeys = (keys: ReadonlyArray<VideoKey>, ids: IdGenerator): IdGenerator => {
  const queue = [...keys];
  return {
    videoKey: () => queue.shift() ?? ids.videoKey(),
    collectionKey: () => ids.collectionKey(),
    opaqueId: () => ids.opaqueId(),
  };
};
