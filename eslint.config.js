// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**", ".ovs/**"] },
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
    // The domain is pure: it may import effect and its own files, nothing else
    // (no node builtins, no SDKs, no other workspace package).
    files: ["packages/domain/src/**/*.ts"],
    ignores: [
      "packages/domain/src/**/*.test.ts",
      "packages/domain/src/testing/**",
      "packages/domain/src/usecases/scenarios/**",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!effect(/|$)|\\.{1,2}/)",
              message: "packages/domain imports only `effect` and its own files (ARCHITECTURE.md §2).",
            },
          ],
        },
      ],
    },
  },
  {
    // The harness may use the test runner, but still nothing from adapters or node. So may the
    // scenario suites (usecases/scenarios): they are test suites (describe/it) exported for the
    // adapter packages to run on their own harness, imported only by test files.
    files: ["packages/domain/src/testing/**/*.ts", "packages/domain/src/usecases/scenarios/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!effect(/|$)|vitest$|fast-check$|\\.{1,2}/)",
              message: "@ovs/domain/testing imports only effect, vitest, fast-check and domain files.",
            },
          ],
        },
      ],
    },
  },
);
