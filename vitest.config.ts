import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
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
