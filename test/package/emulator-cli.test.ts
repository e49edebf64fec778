import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-node";

/* The emulator's command line: a flag it cannot use is the user's mistake, never a stack trace. */

const CLI = join(REPO_ROOT, "dist", "emulator", "cli.js");

function runEmulatorCli(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 10_000 });
  return { status: result.status, stderr: result.stderr };
}

describe("flashback-emulator flags", () => {
  it.each([
    { args: ["--latency", "-5"], says: "Option '--latency' argument is ambiguous." },
    { args: ["--latency=-5"], says: '--latency takes a number of at least 0; got "-5"' },
    { args: ["--rate-limit", "fast"], says: '--rate-limit takes a number of at least 0; got "fast"' },
    { args: ["--bogus"], says: "Unknown option '--bogus'" },
    { args: ["--fault", "nope"], says: '--fault: unknown fault "nope"' },
    { args: ["--user", "bot@example.com"], says: "--user takes EMAIL:PASSWORD, both non-empty" },
  ])("$args: one line, the usage, exit code 2", ({ args, says }) => {
    const { status, stderr } = runEmulatorCli(args);
    expect(status).toBe(2);
    expect(stderr.split("\n")[0]).toContain(`flashback-emulator: ${says}`);
    expect(stderr).toContain("--port N");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
