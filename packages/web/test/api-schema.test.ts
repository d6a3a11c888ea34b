import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, generatedApiSchema } from "../scripts/api-schema-source.js";

describe("src/api/schema.d.ts", () => {
  it("matches the app's OpenAPI document (else run `pnpm --filter @ovs/web generate:api`)", async () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(await generatedApiSchema());
  });
});
