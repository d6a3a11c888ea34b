import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * ARCHITECTURE.md §2: the domain depends on `effect` only. The harness under `testing/` and the
 * scenario suites under `usecases/scenarios/` may also use the test runner. This test reads every import so a slip cannot hide behind a lint
 * configuration change.
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

describe("domain purity", () => {
  const files = sourceFiles(sourceRoot).filter((path) => !path.endsWith(".test.ts"));
  // The scenario suites under usecases/scenarios are test suites (vitest describe/it) that the
  // adapter packages run on their own harness too; only test files import them, so they sit
  // with the harness, outside the production import graph.
  const isHarness = (path: string) => {
    const inSource = relative(sourceRoot, path);
    return inSource.startsWith("testing") || inSource.startsWith(join("usecases", "scenarios"));
  };
  const production = files.filter((path) => !isHarness(path));
  const harness = files.filter(isHarness);

  it("finds the domain's sources", () => {
    expect(production.length).toBeGreaterThan(20);
  });

  it("imports nothing but effect and its own files outside the harness", () => {
    const offenders = production.flatMap((path) =>
      importsOf(path)
        .filter((specifier) => !isOwnFile(specifier) && !isEffect(specifier))
        .map((specifier) => `${relative(sourceRoot, path)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("lets the harness add only the test runner and fast-check", () => {
    const allowed = (specifier: string) =>
      isOwnFile(specifier) || isEffect(specifier) || specifier === "vitest" || specifier === "fast-check";
    const offenders = harness.flatMap((path) =>
      importsOf(path)
        .filter((specifier) => !allowed(specifier))
        .map((specifier) => `${relative(sourceRoot, path)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps the harness and the scenario suites out of production's imports", () => {
    const offenders = production.flatMap((path) =>
      importsOf(path)
        .filter(isOwnFile)
        .filter((specifier) => isHarness(join(path, "..", specifier)))
        .map((specifier) => `${relative(sourceRoot, path)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("never reaches outside the package with relative imports", () => {
    const offenders = files.flatMap((path) =>
      importsOf(path)
        .filter(isOwnFile)
        .filter((specifier) => !join(path, "..", specifier).startsWith(sourceRoot))
        .map((specifier) => `${relative(sourceRoot, path)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("declares effect as its only runtime dependency", () => {
    const manifest = JSON.parse(readFileSync(join(sourceRoot, "..", "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["effect"]);
  });
});
