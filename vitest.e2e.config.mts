import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ["default", "./test/helpers/runtime-line-reporter.ts", "./test/helpers/plain-summary-reporter.ts"],
  },
});
