import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Two files at a time even on a 2-core machine: the slowest files (the real program started,
    // crashed, restarted; cron ticks; ffmpeg) mostly wait, so a second file runs in their waits.
    maxWorkers: 2,
    projects: [
      // Each package has its own vitest.config.ts, so `pnpm test` also works from its folder.
      "packages/*/vitest.config.ts",
      {
        test: {
          name: "packaging",
          include: ["test/packaging/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
