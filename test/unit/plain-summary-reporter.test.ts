import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-node";

const FIXTURES_CONFIG = join(__dirname, "fixtures", "vitest.fixtures.config.mts");
const VITEST = join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs");

/** A vitest of its own on one fixture file (test/unit/fixtures), under the closing-line reporter alone. */
function runFixture(name: string): { status: number | null; lastLine: string } {
  // The child is a run of its own, not a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
  const result = spawnSync(process.execPath, [VITEST, "run", "--config", FIXTURES_CONFIG, name], {
    cwd: REPO_ROOT,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  const lines = result.stdout.trim().split("\n");
  return { status: result.status, lastLine: lines[lines.length - 1] ?? "" };
}

describe("the plain closing line", () => {
  it("counts a file that throws as it loads as 1 failed, and vitest exits non-zero", () => {
    const run = runFixture("throws-at-load.fixture.ts");
    expect(run.lastLine).toBe("0 passed, 1 failed, 0 skipped");
    expect(run.status).not.toBe(0);
  });

  it("counts the tests a failed beforeAll kept from running as failed, and only those skipped on purpose as skipped", () => {
    const run = runFixture("before-all-fails.fixture.ts");
    expect(run.lastLine).toBe("0 passed, 2 failed, 1 skipped");
    expect(run.status).not.toBe(0);
  });

  it("adds no failure to a run that passes", () => {
    const run = runFixture("passes-and-skips.fixture.ts");
    expect(run.lastLine).toBe("1 passed, 0 failed, 1 skipped");
    expect(run.status).toBe(0);
  });
});
