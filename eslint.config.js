// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/coverage/**",
      ".ovs/**",
      // Generated from the OpenAPI document (packages/web/scripts/generate-api-schema.ts).
      "packages/web/src/api/schema.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-namespace": "off",
    },
  },
  {
    // The web UI runs in the browser.
    files: ["packages/web/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The domain is pure: it may import effect and its own files, nothing else
    // (no node builtins, no SDKs, no other workspace package). The harness (`testing/`) obeys the
    // same rule, so `@ovs/domain/testing` loads in any program, with or without a test runner.
    files: ["packages/domain/src/**/*.ts"],
    ignores: ["packages/domain/src/**/*.test.ts", "packages/domain/src/contracts/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!effect(/|$)|\\.{1,2}/)",
              message: "packages/domain imports only `effect` and its own files.",
            },
          ],
        },
      ],
    },
  },
  {
    // The contract and scenario suites (`@ovs/domain/contracts`) are vitest suites: they may add
    // the test runner and fast-check, still nothing from adapters or node.
    files: ["packages/domain/src/contracts/**/*.ts"],
    ignores: ["packages/domain/src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!effect(/|$)|vitest$|fast-check$|\\.{1,2}/)",
              message: "@ovs/domain/contracts imports only effect, vitest, fast-check and domain files.",
            },
          ],
        },
      ],
    },
  },
);
