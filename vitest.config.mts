import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/{unit,provider,protocol,package,program,model,e2e}/**/*.test.ts", "examples/**/*.test.ts"],
    // The protocol, program and real-CLI suites start real Pulumi processes, and run side by side
    // on a 2-core machine: a real-CLI step takes up to half a minute there, an npm install more.
    testTimeout: 180_000,
    // Two files at a time, although vitest would take one on 2 cores: the real-CLI suites mostly wait
    // on the processes they start, so a second file overlaps that wait.
    maxWorkers: 2,
    hookTimeout: 300_000,
    reporters: ["default", "./test/helpers/runtime-line-reporter.ts", "./test/helpers/plain-summary-reporter.ts"],
  },
});
