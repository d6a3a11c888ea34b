import { defineProject } from "vitest/config";

/**
 * What every package's tests share: workspace packages resolve to their TypeScript sources (the
 * `source` export condition), so tests never need a build; the packed packages are tested on
 * their built `dist/` by the packaging test.
 */
export const packageProject = (name: string, options: { readonly testTimeout?: number } = {}) =>
  defineProject({
    ssr: { resolve: { conditions: ["source", "node", "development|production"] } },
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      exclude: ["**/node_modules/**", "**/dist/**"],
      testTimeout: options.testTimeout ?? 30_000,
      // Suites that start a database, pg-boss or the real program in `beforeAll` need more than
      // vitest's 10 s on a loaded 2-core machine; a hook that really hangs still fails.
      hookTimeout: 120_000,
    },
  });
