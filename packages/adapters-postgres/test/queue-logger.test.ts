import { afterEach, describe, expect, it, vi } from "vitest";
import { stderrQueueLogger } from "../src/queue-logger.js";

describe("stderrQueueLogger", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("writes each error as one line on stderr, stack and all", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    stderrQueueLogger.error("pg-boss error: the pool\nbroke", new Error("Connection terminated"));
    expect(write).toHaveBeenCalledTimes(1);
    const [line] = write.mock.calls[0] ?? [];
    expect(typeof line).toBe("string");
    expect(String(line)).toMatch(
      /^pg-boss error: the pool broke \{.*"message":"Connection terminated".*\}\n$/,
    );
    expect(String(line).slice(0, -1)).not.toContain("\n");
  });
});
