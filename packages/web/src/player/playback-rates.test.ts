import { describe, expect, it } from "vitest";
import { commandForKey, nextRate } from "./playback-rates.js";

describe("the player's keys", () => {
  it("map the usual keys to commands", () => {
    expect(commandForKey(" ", false)).toEqual({ kind: "toggle-play" });
    expect(commandForKey("ArrowRight", false)).toEqual({ kind: "seek-by", seconds: 5 });
    expect(commandForKey("c", false)).toEqual({ kind: "toggle-captions" });
    expect(commandForKey(">", true)).toEqual({ kind: "rate-by", step: 1 });
    expect(commandForKey("x", false)).toBeUndefined();
  });

  it("step through the offered rates, within bounds", () => {
    expect(nextRate(1, 1)).toBe(1.25);
    expect(nextRate(1, -1)).toBe(0.75);
    expect(nextRate(2, 1)).toBe(2);
    expect(nextRate(0.5, -1)).toBe(0.5);
  });
});
