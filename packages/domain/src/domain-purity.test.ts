import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The domain depends on `effect` only, and the harness (`testing/`) must load without a test
 * runner; only the contract and scenario suites (`contracts/`) may import vitest and fast-check.
 * This test reads every import so a slip cannot hide behind a lint configuration change.
 */
const sourceRoot = fileURLToPath(new URL(".", import.meta.url));

const sourceFiles = (folder: string): ReadonlyArray<string> =>
  readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
const importsOf = (path: string): ReadonlyArray<string> =>
  [...readFileSync(path, "utf8").matchAll(IMPORT)].map((match) => (match[1] ?? match[2]) as string);

const isOwnFile = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");
const isEffect = (specifier: string) => specifier === "effect" || specifier.startsWith("effect/");
const folderOf = (path: string) => relative(sourceRoot, path).split(sep)[0];

describe("domain purity", () => {
  const files = sourceFiles(sourceRoot).filter((path) => !path.endsWith(".test.ts"));
  const suites = files.filter((path) => folderOf(path) === "contracts");
  const harness = files.filter((path) => folderOf(path) === "testing");
  const production = files.filter((path) => !suites.includes(path) && !harness.includes(path));
  const offendersIn = (paths: ReadonlyArray<string>, refused: (specifier: string, path: string) => boolean) =>
    paths.flatMap((path) =>
      importsOf(path)
        .filter((specifier) => refused(specifier, path))
        .map((specifier) => `${relative(sourceRoot, path)} imports ${specifier}`),
    );
  const reaches = (folder: string) => (specifier: string, path: string) =>
    isOwnFile(specifier) && folderOf(join(path, "..", specifier)) === folder;

  it("finds the domain's sources", () => {
    expect(production.length).toBeGreaterThan(20);
    expect(harness.length).toBeGreaterThan(20);
    expect(suites.length).toBeGreaterThan(20);
  });

  it("imports nothing but effect and its own files outside the harness and the suites", () => {
    expect(offendersIn(production, (specifier) => !isOwnFile(specifier) && !isEffect(specifier))).toEqual([]);
  });

  it("keeps the harness free of any test runner, so it loads in any program", () => {
    expect(offendersIn(harness, (specifier) => !isOwnFile(specifier) && !isEffect(specifier))).toEqual([]);
    expect(offendersIn(harness, reaches("contracts"))).toEqual([]);
  });

  it("lets the contract and scenario suites add only vitest and fast-check", () => {
    const allowed = (specifier: string) =>
      isOwnFile(specifier) || isEffect(specifier) || specifier === "vitest" || specifier === "fast-check";
    expect(offendersIn(suites, (specifier) => !allowed(specifier))).toEqual([]);
  });

  it("keeps the harness and the suites out of production's imports", () => {
    expect(offendersIn(production, reaches("testing"))).toEqual([]);
    expect(offendersIn(production, reaches("contracts"))).toEqual([]);
  });

  it("never reaches outside the package with relative imports", () => {
    expect(
      offendersIn(
        files,
        (specifier, path) => isOwnFile(specifier) && !join(path, "..", specifier).startsWith(sourceRoot),
      ),
    ).toEqual([]);
  });

  it("has no runtime dependency of its own: effect is the embedder's, as a peer", () => {
    const manifest = JSON.parse(readFileSync(join(sourceRoot, "..", "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    expect(manifest.peerDependencies?.["effect"]).toBe("^3");
  });
});
