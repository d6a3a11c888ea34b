import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Where the built web UI lives: `dist/` of the `@ovs/web` package, found through the package's
 * `package.json` so it works in the workspace and when the packages are installed from npm.
 */
export const webAssetsDir = (): string => {
  const manifest = createRequire(import.meta.url).resolve("@ovs/web/package.json");
  return join(dirname(manifest), "dist");
};

/** Whether the UI was built (`pnpm install` builds it; `pnpm --filter @ovs/web build` again). */
export const webUiBuilt = (assetsDir: string): boolean => existsSync(join(assetsDir, "index.html"));
