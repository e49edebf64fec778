import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { DAY_MS } from "../../provider/utils/time-units";
import { TEST_NOW_ENV } from "../../provider/schedule/schedule-now";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO, stackOnEmulatorPerSuite } from "../helpers/emulator-provider";
import { REPO_ROOT } from "../helpers/run-node";
import { sequentialSteps } from "../helpers/sequential-steps";

/*
 * What README says a RotatingRepoApiKey promises, under the real CLI: a move from a counter to a
 * schedule replaces nothing; a rotation that failed is finished by the next period's deployment
 * with one key, not two; the leak runbook, read from README and run line by line, deletes the
 * leaked key in one `pulumi up` (YAML on the plugin, TypeScript on the dynamic resource).
 */

/** README's leak runbook: the `pulumi` lines of the shell block after its marker. */
function leakRunbook(): string[][] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const block = /<!-- leak-runbook:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README.md has no leak runbook block");
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line.startsWith("pulumi "))
    .map((line) => [...line.slice("pulumi ".length).matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? ""));
}

type Pair = { currentKeyId: string; previousKeyId: string };

async function pairOf(stack: CliStack): Promise<Pair> {
  const outputs = await stack.outputs();
  return { currentKeyId: outputs.currentKeyId as string, previousKeyId: outputs.previousKeyId as string };
}

const writes = (emulator: RunningEmulator) => emulator.requests.filter((request) => request.method !== "GET");
const deletes = (emulator: RunningEmulator) =>
  writes(emulator)
    .filter((request) => request.method === "DELETE")
    .map((request) => request.path.split("/").pop());

/** Runs README's leak runbook on `stack` and checks it revoked the key that was current, and only it. */
async function runLeakRunbook(stack: CliStack, emulator: RunningEmulator): Promise<void> {
  const leaked = await pairOf(stack);
  emulator.requests.length = 0;
  for (const args of leakRunbook()) await stack.succeedWith([...args, ...(args[0] === "up" ? ["--non-interactive"] : [])]);
  const after = await pairOf(stack);
  expect(emulator.store.get(TEST_REPO, leaked.currentKeyId), "the leaked key is gone from Flashback").toBeUndefined();
  expect(deletes(emulator)).toEqual([leaked.currentKeyId]);
  expect(after.currentKeyId).not.toBe(leaked.currentKeyId);
  expect(emulator.store.get(TEST_REPO, after.currentKeyId), "the new current key works").toBeDefined();
  expect(after.previousKeyId, "the previous key is untouched").toBe(leaked.previousKeyId);
}

const yamlSuite = realCliSuite("a YAML RotatingRepoApiKey keeps its promises under the real CLI (plugin)", { languageHost: "yaml" });

describe.skipIf(yamlSuite.skip)(yamlSuite.title, () => {
  const step = sequentialSteps();
  let emulator: RunningEmulator;
  let stack: CliStack;
  let programDir: string;
  const start = Date.now();
  const daysOn = (days: number) => ({ env: { [TEST_NOW_ENV]: new Date(start + days * DAY_MS).toISOString() } });
  /** The program, its component asking by `asked` (`rotation: 5`, or `rotateEveryDays: 30`). */
  const declare = (asked: string): void =>
    writeFileSync(
      join(programDir, "Pulumi.yaml"),
      [
        "name: flashback-pair-promises",
        "runtime: yaml",
        "plugins:",
        "  providers:",
        "    - name: flashback",
        `      path: ${join(REPO_ROOT, "bin")}`,
        "config:",
        "  repoId: { type: string }",
        '  revoke: { type: string, default: "" }',
        "resources:",
        "  partner:",
        "    type: flashback:index:RotatingRepoApiKey",
        "    properties:",
        "      repoId: ${repoId}",
        "      name: yaml-partner",
        "      accessType: READ",
        `      ${asked}`,
        "      revokeWhenChanged: ${revoke}",
        "outputs:",
        "  currentKeyId: ${partner.currentKeyId}",
        "  previousKeyId: ${partner.previousKeyId}",
        "",
      ].join("\n"),
    );

  beforeAll(async () => {
    emulator = await startTestEmulator();
    programDir = mkdtempSync(join(tmpdir(), "flashback-pair-promises-"));
    declare("rotation: 5");
    stack = await cliStackOnEmulator(emulator, { programDir, stackName: "pair-promises" });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emulator?.close();
    rmSync(programDir, { recursive: true, force: true });
  });

  step("`rotation: 5` changed to `rotateEveryDays: 30` replaces nothing", async () => {
    await stack.succeed("up", ...UNATTENDED);
    const before = await pairOf(stack);
    declare("rotateEveryDays: 30");
    emulator.requests.length = 0;
    await stack.succeed("up", ...UNATTENDED);
    expect(writes(emulator)).toEqual([]);
    expect(await pairOf(stack)).toEqual(before);
  });

  step("a rotation that failed, then the next period's deployment: one key replaced, the current one kept", async () => {
    const before = await pairOf(stack);
    emulator.faults.add({ fault: { kind: "status", status: 500 }, method: "POST", times: 1_000 });
    const failed = await stack.run(["up", ...UNATTENDED], daysOn(31));
    emulator.faults.reset();
    expect(failed.code, "the rotation a month on fails: Flashback answers 500 to every create").not.toBe(0);
    expect(await pairOf(stack)).toEqual(before);
    emulator.requests.length = 0;
    await stack.succeedWith(["up", ...UNATTENDED], daysOn(62));
    const after = await pairOf(stack);
    expect(deletes(emulator), "only the older key is deleted").toEqual([before.previousKeyId]);
    expect(after.previousKeyId, "the key current before is previous, still valid").toBe(before.currentKeyId);
    expect(emulator.store.get(TEST_REPO, before.currentKeyId)).toBeDefined();
    await stack.succeedWith(["preview", "--expect-no-changes", "--non-interactive"], daysOn(62));
  });

  step("README's leak runbook, as written, deletes the leaked current key in one up", async () => {
    await runLeakRunbook(stack, emulator);
  });
});

const tsSuite = realCliSuite("a TypeScript RotatingRepoApiKey's leak runbook under the real CLI (dynamic resource)", {
  languageHost: "nodejs",
});

describe.skipIf(tsSuite.skip)(tsSuite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  stackOnEmulatorPerSuite(
    {
      programDir: join(__dirname, "programs", "pair-runbook-ts"),
      stackName: "pair-runbook-ts",
    },
    (made) => ({ emulator, stack } = made),
  );

  it("README's leak runbook, as written, deletes the leaked current key in one up", async () => {
    await stack.succeed("up", ...UNATTENDED);
    await runLeakRunbook(stack, emulator);
  });
});
