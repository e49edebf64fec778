// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Node's CommonJS globals, for the plain JavaScript programs (baseline, floor, fixtures) and the release scripts that run on node alone. */
const commonJsGlobals = Object.fromEntries(
  ["require", "module", "exports", "process", "console", "__dirname", "fetch", "setTimeout", "Buffer"].map((name) => [name, "readonly"]),
);

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "bench/results/", ".pulumi-demo/", ".pulumi-cli/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      eqeqeq: "error",
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: commonJsGlobals },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The ES-module program of the real-CLI suite.
    files: ["test/e2e/programs/js-esm/**/*.js"],
    languageOptions: { sourceType: "module" },
  },
);
