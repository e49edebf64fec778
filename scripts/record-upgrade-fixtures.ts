/**
 * `npm run record:upgrade-fixtures -- [--commit C] [--cli PATH]`: records the upgrade suite's
 * stacks (test/fixtures/upgrade, read by test/e2e/upgrade-recorded.test.ts) with the build of an
 * earlier commit, by default the release before the rotation and sealing changes. It checks that
 * commit out into a temporary worktree, builds it, runs each fixture's program there with the real
 * CLI against the emulator (two `pulumi up`s: the counter pair rotates once, the ignored name
 * changes), and writes back the stack config, the exported state and the emulator's keys. Run it at
 * release tags only; it refuses a tree with uncommitted changes, so a recording names its commits.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../test/helpers/emulator-provider";
import { ageKeyPair, openPgpKeyPair } from "../testkit/encryption-keys";
import { findPulumiCli } from "../testkit/find-pulumi-cli";
import { UNATTENDED } from "../testkit/pulumi-cli-stack";
import { TEST_NOW_ENV } from "../provider/schedule/schedule-now";
import {
  EMULATOR_SEED_FILE,
  FIXTURES_DIR,
  IMPORTED_KEY_ID,
  placeProgram,
  RECORDED_PASSPHRASE,
  RECORDED_STACK,
  RECORDED_STACKS,
  RECORDING_FILE,
  STACK_CONFIG_FILE,
  STATE_FILE,
  type RecordedStack,
  type Recording,
} from "../testkit/upgrade-fixtures";

const ROOT = resolve(__dirname, "..");
/** The last commit before the rotation and sealing changes: what users of the first release run. */
const DEFAULT_COMMIT = "890a772";

const { values } = parseArgs({ options: { commit: { type: "string" }, cli: { type: "string" } }, strict: true });

const git = (...args: string[]): string => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();

function refuseDirtyTree(): void {
  const dirty = git("status", "--porcelain");
  if (dirty !== "") {
    console.error(`record:upgrade-fixtures: the tree has uncommitted changes; commit or stash them first:\n${dirty}`);
    process.exit(1);
  }
}

/** The CLI to record with: --cli, else the one the suites run. It is found on the PATH by every command run below. */
function chooseCli(): string {
  const cli = values.cli === undefined ? findPulumiCli() : resolve(values.cli);
  if (cli === undefined) throw new Error("no Pulumi CLI found; run npm run setup:pulumi or pass --cli");
  process.env.PATH = `${dirname(cli)}:${process.env.PATH ?? ""}`;
  return cli;
}

/** The earlier commit, checked out and built in a temporary worktree, with this tree's CLI set-up beside it. */
function buildAt(commit: string): string {
  const worktree = join(mkdtempSync(join(tmpdir(), "flashback-record-")), "tree");
  git("worktree", "add", "--detach", worktree, commit);
  const run = (command: string, ...args: string[]) => execFileSync(command, args, { cwd: worktree, stdio: "inherit" });
  run("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
  run("npm", "run", "build");
  symlinkSync(realpathSync(join(ROOT, ".pulumi-cli")), join(worktree, ".pulumi-cli"));
  return worktree;
}

async function record(stack: RecordedStack, worktree: string, recipients: { age: string; pgp: string }, now: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), `flashback-record-${stack.name}-`));
  const seed = join(work, EMULATOR_SEED_FILE);
  const emulator = await startTestEmulator({ stateFile: seed });
  const programDir = placeProgram(join(FIXTURES_DIR, stack.name), join(worktree, "test", "fixtures", "upgrade"), stack.name);
  const cli = await cliStackOnEmulator(emulator, {
    programDir,
    stackName: RECORDED_STACK,
    env: { [TEST_NOW_ENV]: now, PULUMI_CONFIG_PASSPHRASE: RECORDED_PASSPHRASE },
  });
  try {
    // An armored key starts with dashes, which `config set` would take for a flag.
    await cli.succeed(
      "config",
      "set-all",
      "--plaintext",
      `ageRecipient=${recipients.age}`,
      "--plaintext",
      `pgpRecipient=${recipients.pgp}`,
    );
    await cli.setConfig({ counterRotation: "0", ignoredName: `${stack.name}-ignored` });
    if (stack.imports) emulator.store.create(TEST_REPO, "made-by-hand", "WRITE", { id: IMPORTED_KEY_ID });
    // The plugin of the earlier build, from the worktree: its SDK is what that release's users generated.
    if (stack.language === "python" || stack.language === "go")
      await cli.succeed("package", "add", join(worktree, "bin", "pulumi-resource-flashback"));
    await cli.succeed("up", ...UNATTENDED);
    await cli.setConfig({ counterRotation: "1", ignoredName: `${stack.name}-ignored-later` });
    await cli.succeed("up", ...UNATTENDED);
    const fixture = join(FIXTURES_DIR, stack.name);
    writeFileSync(join(fixture, STATE_FILE), `${(await cli.succeed("stack", "export")).stdout.trim()}\n`);
    copyFileSync(join(programDir, STACK_CONFIG_FILE), join(fixture, STACK_CONFIG_FILE));
    copyFileSync(seed, join(fixture, EMULATOR_SEED_FILE));
    console.log(`record:upgrade-fixtures: ${stack.name}: ${emulator.store.allKeys().length} keys recorded`);
  } finally {
    // The keys stay: the suite seeds the emulator with them.
    await cli.dispose({ destroy: false });
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  refuseDirtyTree();
  const commit = git("rev-parse", `${values.commit ?? DEFAULT_COMMIT}^{commit}`);
  const cli = chooseCli();
  const worktree = buildAt(commit);
  try {
    const [age, pgp] = await Promise.all([ageKeyPair(), openPgpKeyPair()]);
    // Whole seconds, so that the replay's "a day later" is exact.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    for (const stack of RECORDED_STACKS) await record(stack, worktree, { age: age.recipient, pgp: pgp.recipient }, now);
    const cliVersion = execFileSync(cli, ["version"], { encoding: "utf8" }).trim();
    const recording: Recording = { commit, cli: cliVersion, now, passphrase: RECORDED_PASSPHRASE };
    writeFileSync(RECORDING_FILE, `${JSON.stringify(recording, null, 2)}\n`);
    console.log(`record:upgrade-fixtures: ${RECORDED_STACKS.length} stacks recorded at ${commit} with pulumi ${cliVersion}`);
  } finally {
    git("worktree", "remove", "--force", worktree);
    rmSync(dirname(worktree), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`record:upgrade-fixtures: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
