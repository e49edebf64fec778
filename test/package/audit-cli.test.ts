import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { runAuditCli } from "../helpers/run-audit-cli";

/* The built `flashback-audit` command line: its flags, exit codes and failures, against the emulator. */

let emulator: RunningEmulator;
let scratch: string;
let emptyExport: string;
const env = () => ({ FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TEST_TOKEN });

beforeAll(async () => {
  emulator = await startTestEmulator();
  scratch = mkdtempSync(join(tmpdir(), "flashback-audit-cli-"));
  emptyExport = join(scratch, "empty.json");
  writeFileSync(emptyExport, JSON.stringify({ version: 3, deployment: { resources: [] } }));
});
afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.reset();
});

describe("flashback-audit flags", () => {
  it.each([
    { args: ["--bogus"], says: "Unknown option '--bogus'" },
    { args: ["--stack-export", "a.json"], says: "--repo is required: the repository whose keys to audit" },
    { args: ["--repo", TEST_REPO], says: "--stack-export is required" },
    { args: ["--repo", "", "--stack-export", "a.json"], says: "--repo takes a repository id; got an empty one" },
    {
      args: ["--repo", TEST_REPO, "--stack-export", "-", "--stack-export", "-"],
      says: "--stack-export - (standard input) can be given once",
    },
  ])("$args: one line, the usage, exit code 2", async ({ args, says }) => {
    const { status, stderr } = await runAuditCli(args);
    expect(status).toBe(2);
    expect(stderr.split("\n")[0]).toContain(`flashback-audit: ${says}`);
    expect(stderr).toContain("--stack-export PATH");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("--help prints the usage with the exit codes, and exits 0", async () => {
    const { status, stdout } = await runAuditCli(["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Exit codes: 0 every key is managed/);
  });
});

describe("flashback-audit against the emulator", () => {
  it("a repository without keys: exit code 0, one GET and no other request", async () => {
    const { status, stdout } = await runAuditCli(["--repo", TEST_REPO, "--stack-export", emptyExport], { env: env() });
    expect(stdout).toBe("repository repo-test: 0 keys, 0 managed, 0 unmanaged (0 of them leftover reservations)\n");
    expect(status).toBe(0);
    expect(emulator.requests.map((request) => request.method)).toEqual(["GET"]);
  });

  it("a createdAt without a zone gives the age unknown, not a guess in this machine's zone", async () => {
    emulator.store.create(TEST_REPO, "by-hand", "READ");
    emulator.faults.createdAtShape = "zoneless";
    const { status, stdout } = await runAuditCli(["--repo", TEST_REPO, "--stack-export", emptyExport, "--json"], { env: env() });
    expect(status).toBe(1);
    expect(JSON.parse(stdout).repositories[0].keys[0]).toMatchObject({ name: "by-hand", ageSeconds: null, status: "unmanaged" });
  });

  it.each([
    {
      name: "a repository Flashback answers 404 for",
      args: ["--repo", "repo-nowhere"],
      env: {},
      says: 'Flashback answers 404 for repository "repo-nowhere"',
    },
    {
      name: "no token",
      args: ["--repo", TEST_REPO],
      env: { FLASHBACK_ACCESS_TOKEN: "" },
      says: "No Flashback access token: set the environment variable FLASHBACK_ACCESS_TOKEN (or FLASHBACK_REFRESH_TOKEN)",
    },
    { name: "a wrong token", args: ["--repo", TEST_REPO], env: { FLASHBACK_ACCESS_TOKEN: "tok-wrong-7c1d" }, says: "401" },
  ])("$name: one line, exit code 3, no token printed", async (row) => {
    const { status, stdout, stderr } = await runAuditCli([...row.args, "--stack-export", emptyExport], { env: { ...env(), ...row.env } });
    expect(status).toBe(3);
    expect(stdout).toBe("");
    expect(stderr).toContain(row.says);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toContain(TEST_TOKEN);
    expect(stderr).not.toContain("tok-wrong-7c1d");
  });

  it("an export that is not JSON: exit code 3, its path named, its text not quoted", async () => {
    const bad = join(scratch, "bad.json");
    writeFileSync(bad, '{"plaintext": "s3cr3t-value-8e2a"');
    const { status, stderr } = await runAuditCli(["--repo", TEST_REPO, "--stack-export", bad], { env: env() });
    expect(status).toBe(3);
    expect(stderr).toBe(`flashback-audit: ${bad} is not JSON: give the output of \`pulumi stack export\`\n`);
    expect(emulator.requests).toEqual([]);
  });
});
