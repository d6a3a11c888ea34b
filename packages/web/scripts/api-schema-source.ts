import openapiTS, { astToString } from "openapi-typescript";
// The web package cannot depend on @ovs/app (the app depends on it, to serve its build), so the
// document is read from the app's sources, the one place it is defined.
import { openApiDocument } from "../../app/src/api/openapi-document.js";

/** Where the generated types live, committed so the build needs no app at all. */
export const SCHEMA_FILE = new URL("../src/api/schema.d.ts", import.meta.url);

const HEADER =
  "// Generated from the app's OpenAPI document by `pnpm --filter @ovs/web generate:api`; do not edit.\n" +
  "// test/api-schema.test.ts fails when this file no longer matches the document.\n\n";

/** The TypeScript types of the API as the app describes it today. */
export const generatedApiSchema = async (): Promise<string> => {
  const document = openApiDocument({ baseUrl: "http://localhost" });
  const ast = await openapiTS(JSON.parse(JSON.stringify(document)) as Parameters<typeof openapiTS>[0]);
  return HEADER + astToString(ast);
};
