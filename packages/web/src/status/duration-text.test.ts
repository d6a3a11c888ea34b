import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration-text.js";

describe("formatDuration", () => {
  it("writes minutes and seconds, with hours when needed", () => {
    expect(formatDuration(8.04)).toBe("0:08");
    expect(formatDuration(75.4)).toBe("1:15");
    expect(formatDuration(754)).toBe("12:34");
    expect(formatDuration(3599.6)).toBe("1:00:00");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(36_000)).toBe("10:00:00");
  });

  it("shows nothing for a duration not measured yet (0) or unknown", () => {
    expect(formatDuration(0)).toBe("");
    expect(formatDuration(null)).toBe("");
    expect(formatDuration(undefined)).toBe("");
    expect(formatDuration(Number.NaN)).toBe("");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("");
    expect(formatDuration(-3)).toBe("");
  });
});
