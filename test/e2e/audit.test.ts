import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { HOUR_MS, MINUTE_MS } from "../../provider/utils/time-units";
import {
  ABANDONED_AGE_MS,
  cliStackOnEmulator,
  plantReservation,
  startTestEmulator,
  TEST_REPO,
  TEST_TOKEN,
} from "../helpers/emulator-provider";
import { runAuditCli, type AuditRun } from "../helpers/run-audit-cli";
import { sequentialSteps } from "../helpers/sequential-steps";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { DYNAMIC_KEY_TYPE, keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * The audit end to end: one repository holding the keys of two stacks made
 * with the real CLI (a TypeScript stack on the dynamic RepoApiKey, with a RotatingRepoApiKey, and a
 * YAML stack on the plugin), one key made by hand and one leftover reservation; the stacks read from
 * `pulumi stack export`, one of them exported with --show-secrets.
 */

const suite = realCliSuite("flashback-audit against a TypeScript and a YAML stack under the real CLI", { languageHost: "yaml" });

let emulator: RunningEmulator;
let tsStack: CliStack;
let yamlStack: CliStack;
let scratch: string;
let exports: { ts: string; yaml: string };
/** Every secret the stacks hold, in plain text: none may appear in what the audit prints. */
let secrets: string[];
const step = sequentialSteps();

const audit = (...extra: string[]): Promise<AuditRun> =>
  runAuditCli(["--repo", TEST_REPO, "--stack-export", exports.ts, "--stack-export", exports.yaml, ...extra], {
    env: { FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TEST_TOKEN },
  });

/** A key's createdAt as if made `ms` ago: ages in the report are then known to the minute. */
function backdate(id: string, ms: number): void {
  const stored = emulator.store.get(TEST_REPO, id);
  if (stored === undefined) throw new Error(`no key ${id}`);
  stored.createdAt = new Date(Date.now() - ms).toISOString();
}

/** A secret as `stack export --show-secrets` writes it: `{<sig>, plaintext: <its JSON>}`. */
function plaintextOf(value: unknown): string {
  const plaintext = (value as { plaintext?: unknown } | undefined)?.plaintext;
  return typeof plaintext === "string" ? (JSON.parse(plaintext) as string) : String(value);
}

describe.skipIf(suite.skip)(suite.title, () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
    scratch = mkdtempSync(join(tmpdir(), "flashback-audit-"));
    [tsStack, yamlStack] = await Promise.all([
      cliStackOnEmulator(emulator, { programDir: join(__dirname, "program"), stackName: "audit-ts", config: { rotation: "1" } }),
      cliStackOnEmulator(emulator, { programDir: join(__dirname, "programs", "yaml"), stackName: "audit-yaml" }),
    ]);
  });

  afterAll(async () => {
    await tsStack?.dispose();
    await yamlStack?.dispose();
    await emulator?.close();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  step("two stacks, a hand-made key and a leftover reservation: every key's line, exactly, and exit code 1", async () => {
    await tsStack.succeed("up", ...UNATTENDED);
    await yamlStack.succeed("up", ...UNATTENDED);
    const tsExport = (await tsStack.succeed("stack", "export", "--show-secrets")).stdout;
    const yamlExport = (await yamlStack.succeed("stack", "export")).stdout;
    exports = { ts: join(scratch, "ts.json"), yaml: join(scratch, "yaml.json") };
    writeFileSync(exports.ts, tsExport);
    writeFileSync(exports.yaml, yamlExport);
    const tsKeys = keysInState(JSON.parse(tsExport).deployment);
    const [yamlKey] = keysInState(JSON.parse(yamlExport).deployment, REPO_API_KEY_TOKEN);
    secrets = tsKeys.map((key) => plaintextOf(key.outputs?.secret));
    secrets.push((await yamlStack.outputs(true)).secretKey as string);
    expect(tsKeys).toHaveLength(3);
    expect(secrets.every((secret) => typeof secret === "string" && secret.length > 20)).toBe(true);
    for (const key of [...tsKeys, yamlKey!]) backdate(key.id as string, 2 * HOUR_MS + 30 * MINUTE_MS + 20_000);
    const byHand = emulator.store.create(TEST_REPO, "made-by-hand", "WRITE", {
      createdAt: new Date(Date.now() - (76 * HOUR_MS + 30 * MINUTE_MS)),
    }).stored;
    const reservationId = plantReservation(emulator, { ageMs: ABANDONED_AGE_MS + 20 * MINUTE_MS + 20_000 });
    const reservation = emulator.store.get(TEST_REPO, reservationId)!;
    emulator.requests.length = 0;

    const result = await audit();

    const ts = (name: string) => tsKeys.find((key) => key.urn.endsWith(`::${name}`))!;
    const managed = (key: { id?: string; urn: string }, name: string, stack: string) =>
      `  ${key.id}  "${name}"  READ  age 2h 30m  managed by ${stack} (${key.urn})`;
    for (const secret of [...secrets, TEST_TOKEN]) expect(result.stdout + result.stderr).not.toContain(secret);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      [
        "repository repo-test: 6 keys, 4 managed, 2 unmanaged (1 of them leftover reservations)",
        `  ${byHand.id}  "made-by-hand"  WRITE  age 3d 4h  UNMANAGED`,
        `  ${reservation.id}  "${reservation.name}"  READ  age 1h 20m  UNMANAGED: leftover reservation, abandoned: its create is over and nobody holds its secret; the next deployment's sweep deletes it`,
        managed(ts("e2e-key"), "e2e-reader", "flashback-e2e/audit-ts"),
        managed(ts("e2e-rotating-a"), "e2e-rotating-a", "flashback-e2e/audit-ts"),
        managed(ts("e2e-rotating-b"), "e2e-rotating-b", "flashback-e2e/audit-ts"),
        managed(yamlKey!, "yaml-reader", "flashback-yaml-e2e/audit-yaml"),
        "",
      ].join("\n"),
    );
    expect(result.status).toBe(1);
    expect(tsKeys.map((key) => key.type)).toEqual([DYNAMIC_KEY_TYPE, DYNAMIC_KEY_TYPE, DYNAMIC_KEY_TYPE]);
    expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`GET /repo/${TEST_REPO}/apikey`]);
  });

  step("never prints a secret of a state exported with --show-secrets, nor the token; --json says the same", async () => {
    const [text, json] = [await audit(), await audit("--json")];
    for (const printed of [text.stdout + text.stderr, json.stdout + json.stderr]) {
      for (const secret of [...secrets, TEST_TOKEN]) expect(printed).not.toContain(secret);
      for (const key of emulator.store.list(TEST_REPO)) expect(printed).not.toContain(key.key);
    }
    const report = JSON.parse(json.stdout) as {
      unmanaged: number;
      repositories: Array<{
        keys: Array<{ name: string; status: string; reservation?: string; ageSeconds: number; managedBy: Array<{ stack: string }> }>;
      }>;
    };
    expect(json.status).toBe(1);
    expect(report.unmanaged).toBe(2);
    expect(
      report.repositories[0]?.keys.map((key) => [
        key.name.startsWith("pulumi-pending-") ? "reservation" : key.name,
        key.status,
        key.reservation,
        key.managedBy.map((by) => by.stack),
      ]),
    ).toEqual([
      ["made-by-hand", "unmanaged", undefined, []],
      ["reservation", "reservation", "abandoned", []],
      ["e2e-reader", "managed", undefined, ["flashback-e2e/audit-ts"]],
      ["e2e-rotating-a", "managed", undefined, ["flashback-e2e/audit-ts"]],
      ["e2e-rotating-b", "managed", undefined, ["flashback-e2e/audit-ts"]],
      ["yaml-reader", "managed", undefined, ["flashback-yaml-e2e/audit-yaml"]],
    ]);
    expect(emulator.requests.every((request) => request.method === "GET")).toBe(true);
  });

  step("exit code 0 once every key is managed; a stack left out makes its keys unmanaged again", async () => {
    for (const key of emulator.store.list(TEST_REPO)) {
      if (key.name === "made-by-hand" || key.name.startsWith("pulumi-pending-")) emulator.store.delete(TEST_REPO, key.id);
    }
    const clean = await audit();
    expect(clean.stdout.split("\n")[0]).toBe("repository repo-test: 4 keys, 4 managed, 0 unmanaged (0 of them leftover reservations)");
    expect(clean.status).toBe(0);
    const tsOnly = await runAuditCli(["--repo", TEST_REPO, "--stack-export", "-"], {
      env: { FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TEST_TOKEN },
      stdin: (await tsStack.succeed("stack", "export")).stdout,
    });
    expect(tsOnly.stdout.split("\n")).toContainEqual(expect.stringMatching(/"yaml-reader" {2}READ {2}age 2h 30m {2}UNMANAGED$/));
    expect(tsOnly.status).toBe(1);
  });
});
