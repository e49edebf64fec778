import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/{unit,provider,protocol,program,e2e}/**/*.test.ts", "examples/**/*.test.ts"],
    // The protocol and program suites start real Pulumi processes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/helpers/plain-summary-reporter.ts"],
  },
});
