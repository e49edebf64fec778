import { defineConfig } from "vitest/config";

/**
 * What also runs on the oldest Pulumi CLI supported (tools/pulumi-oldest): the demo, a YAML, a
 * Python and a Go program through up, refresh, destroy, a lost create's answer, import and encryptTo
 * (plugin-program-suite.ts), an interrupted create and its recovery, Construct and exists(); and which CLI ran.
 */
const OLDEST_CLI_SMOKE_SET = [
  "test/e2e/cli-version.test.ts",
  "test/program/demo.test.ts",
  "test/e2e/yaml-program.test.ts",
  "test/e2e/python-program.test.ts",
  "test/e2e/go-program.test.ts",
  "test/e2e/interrupted.test.ts",
  "test/e2e/yaml-rotating.test.ts",
  "test/e2e/exists.test.ts",
];

export default defineConfig({
  test: {
    // The protocol, program and real-CLI suites start real Pulumi processes, and run side by side
    // on a 2-core machine: a real-CLI step takes up to half a minute there, an npm install more.
    testTimeout: 180_000,
    // Two files at a time, although vitest would take one on 2 cores: the real-CLI suites mostly wait
    // on the processes they start, so a second file overlaps that wait.
    maxWorkers: 2,
    hookTimeout: 300_000,
    reporters: ["default", "./test/helpers/runtime-line-reporter.ts", "./test/helpers/plain-summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "newest-cli",
          include: ["test/{unit,provider,protocol,package,program,model,e2e}/**/*.test.ts", "examples/**/*.test.ts"],
        },
      },
      {
        extends: true,
        // After the first project, never beside it: the same programs and stacks, one CLI at a time.
        test: { name: "oldest-cli", include: OLDEST_CLI_SMOKE_SET, env: { FLASHBACK_PULUMI_CLI: "oldest" }, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
