import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";

/** Screenshots land here (gitignored), one per page. */
export const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: ReadonlyArray<{ readonly target: ReadonlyArray<string> }>;
}

/**
 * Runs axe-core in the page. The pages' CSP refuses inline scripts, so `page.addScriptTag` (an
 * inline `<script>`) would be blocked: axe is evaluated through the DevTools protocol instead,
 * which the CSP does not govern, leaving the pages' own policy untouched for the test. Then
 * `axe.run` is called from an ordinary evaluate.
 */
export const runAxe = async (target: Page): Promise<ReadonlyArray<AxeViolation>> => {
  const loaded = await target.evaluate(
    () => typeof (window as unknown as { axe?: unknown }).axe === "object",
  );
  if (!loaded) {
    const devtools = await target.context().newCDPSession(target);
    await devtools.send("Runtime.evaluate", { expression: axeSource });
    await devtools.detach();
  }
  return target.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }
    ).axe;
    const results = (await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    })) as { violations: ReadonlyArray<AxeViolation> };
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    }));
  });
};

export interface PageAudit {
  readonly name: string;
  readonly screenshot: string;
  readonly seriousViolations: ReadonlyArray<AxeViolation>;
}

/** Screenshots a page and runs axe-core on it; prints the `[page]` line the closing note lists. */
export const auditPage = async (name: string, page: Page): Promise<PageAudit> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const screenshot = `${name}.png`;
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  const violations = await runAxe(page);
  const seriousViolations = violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  process.stdout.write(`[page] ${name} screenshot=${screenshot} axe_serious=${seriousViolations.length}\n`);
  for (const violation of seriousViolations) {
    process.stdout.write(
      `  axe ${violation.impact ?? ""} ${violation.id}: ${violation.help} at ${violation.nodes
        .map((node) => node.target.join(" "))
        .join(", ")}\n`,
    );
  }
  return { name, screenshot, seriousViolations };
};
