import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generatedApiSchema, SCHEMA_FILE } from "./api-schema-source.js";

writeFileSync(SCHEMA_FILE, await generatedApiSchema());
process.stdout.write(`wrote ${fileURLToPath(SCHEMA_FILE)}\n`);
