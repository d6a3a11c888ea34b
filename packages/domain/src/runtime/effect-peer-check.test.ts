import { describe, expect, it } from "vitest";
import { effectPeerProblem, installedEffectVersion } from "./effect-peer-check.js";

describe("the effect peer check", () => {
  it("reads the version of the effect copy the domain runs on", () => {
    expect(installedEffectVersion()).toMatch(/^3\.\d+\.\d+/);
  });

  it("accepts any 3.x", () => {
    expect(effectPeerProblem("3.0.0")).toBeUndefined();
    expect(effectPeerProblem("3.22.4")).toBeUndefined();
  });

  it("names the installed version and the fix for another major", () => {
    expect(effectPeerProblem("4.0.1")).toBe(
      "@ovs/domain needs effect 3.x as a peer dependency, but the installed effect is 4.0.1. " +
        "Install a matching copy next to it: npm install effect@^3",
    );
    expect(effectPeerProblem("2.4.19")).toContain("installed effect is 2.4.19");
  });

  it("refuses a copy whose version it cannot read", () => {
    expect(effectPeerProblem(undefined)).toContain("of an unknown version");
  });
});
