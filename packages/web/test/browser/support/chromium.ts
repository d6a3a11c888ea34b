import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

/** Debian's Chromium: the tests never download a browser build. */
export const CHROMIUM = "/usr/bin/chromium";

/** Installs Debian's `chromium` with apt-get when it is missing (CI machines start without it). */
export const ensureChromium = (): void => {
  if (existsSync(CHROMIUM)) return;
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0 ? [] : ["sudo", "-n"];
  const run = (command: string, args: ReadonlyArray<string>) =>
    asRoot.length === 0
      ? execFileSync(command, args, {
          stdio: "inherit",
          env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        })
      : execFileSync(asRoot[0] ?? "sudo", [...asRoot.slice(1), command, ...args], { stdio: "inherit" });
  run("apt-get", ["update"]);
  run("apt-get", ["install", "-y", "chromium"]);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
};

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

/**
 * One Chromium; playwright starts it with a fresh temporary profile (its own user-data-dir). Each
 * person in a test gets their own context (own cookies) from `browser.newContext()`.
 */
export const launchChromium = async (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
