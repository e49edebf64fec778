import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator-provider";
import { GO_SDK_IMPORT, packageAdd, PYTHON_SDK_IMPORT } from "../helpers/plugin-program-suite";
import { isExecutable, PYTHON_VENV, realCliSuite } from "../../testkit/find-pulumi-cli";
import { CliStack, UNATTENDED, type StateDeployment } from "../../testkit/pulumi-cli-stack";
import { changesIn, unchangedIn } from "../../testkit/cli-summary";
import { TEST_NOW_ENV } from "../../provider/schedule/schedule-now";
import {
  EMULATOR_SEED_FILE,
  FIXTURES_DIR,
  placeProgram,
  placeStackConfig,
  readRecording,
  RECORDED_PASSPHRASE,
  RECORDED_STACK,
  RECORDED_STACKS,
  recordedFolders,
  STATE_FILE,
  type RecordedStack,
} from "../../testkit/upgrade-fixtures";
import { DAY_MS } from "../../provider/utils/time-units";

/*
 * Upgrades that replace nothing: each stack an earlier build recorded (test/fixtures/upgrade, made
 * by `npm run record:upgrade-fixtures`) is imported into a fresh file backend, beside an emulator
 * seeded with the keys it holds, and previewed (`--expect-no-changes`) and updated with this
 * build: no change, and no request that writes to Flashback. The schedules take now to be a day
 * after the recording, within their period, as a user upgrading between two rotations.
 */

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const totals = { stacks: 0, previews: 0, changes: 0, writes: 0 };

interface Replay {
  /** The resources of the recorded state, but its providers: what the summaries count. */
  recorded: number;
  preview: { code: number | null; changes: number; unchanged: number; output: string };
  up: { code: number | null; changes: number; output: string };
  /** `METHOD path` of every request that wrote to the emulator. */
  writes: string[];
}

/** The resources of an exported state that a summary counts: all but the providers. */
function resourcesIn(stateFile: string): number {
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { deployment: StateDeployment };
  return (state.deployment.resources ?? []).filter((resource) => !resource.type.startsWith("pulumi:providers:")).length;
}

/** What the check finds wrong with a replay: nothing for a stack that upgrades quietly. */
function findingsOf(replay: Replay): string[] {
  return [
    ...(replay.preview.code === 0 ? [] : [`preview --expect-no-changes exited with ${replay.preview.code}`]),
    ...(replay.preview.changes === 0 ? [] : [`preview: ${replay.preview.changes} changes`]),
    ...(replay.preview.changes + replay.preview.unchanged === replay.recorded
      ? []
      : [`preview counts ${replay.preview.changes + replay.preview.unchanged} resources, the recorded state ${replay.recorded}`]),
    ...(replay.up.code === 0 ? [] : [`up exited with ${replay.up.code}`]),
    ...(replay.up.changes === 0 ? [] : [`up: ${replay.up.changes} changes`]),
    ...(replay.writes.length === 0 ? [] : [`${replay.writes.length} writes: ${replay.writes.join(", ")}`]),
  ];
}

/** The recorded stack `fixture`, run with the program of `program` (its own by default) and this build. */
async function replay(fixture: RecordedStack, program: string = fixture.name): Promise<Replay> {
  const work = mkdtempSync(join(tmpdir(), `flashback-upgrade-${program}-`));
  const seed = join(work, EMULATOR_SEED_FILE);
  copyFileSync(join(FIXTURES_DIR, fixture.name, EMULATOR_SEED_FILE), seed);
  const emulator = await startTestEmulator({ stateFile: seed });
  const programDir = placeProgram(join(FIXTURES_DIR, program), FIXTURES_DIR, `replay-${program}`);
  const state = join(FIXTURES_DIR, fixture.name, STATE_FILE);
  const now = new Date(Date.parse(readRecording().now) + DAY_MS).toISOString();
  let stack: CliStack | undefined;
  try {
    stack = await CliStack.create({
      programDir,
      stackName: RECORDED_STACK,
      env: { FLASHBACK_API_URL: emulator.url, PULUMI_CONFIG_PASSPHRASE: RECORDED_PASSPHRASE, [TEST_NOW_ENV]: now },
    });
    placeStackConfig(fixture.name, programDir);
    await stack.succeed("stack", "import", "--file", state);
    if (fixture.language === "python") await packageAdd(PYTHON_SDK_IMPORT)(stack);
    if (fixture.language === "go") await packageAdd(GO_SDK_IMPORT)(stack);
    emulator.requests.length = 0;
    const preview = await stack.run(["preview", "--non-interactive", "--expect-no-changes", "--diff"]);
    const up = await stack.run(["up", ...UNATTENDED]);
    return {
      recorded: resourcesIn(state),
      preview: { code: preview.code, changes: changesIn(preview.stdout), unchanged: unchangedIn(preview.stdout), output: preview.output },
      up: { code: up.code, changes: changesIn(up.stdout), output: up.output },
      writes: emulator.requests.filter((request) => WRITES.has(request.method)).map((request) => `${request.method} ${request.path}`),
    };
  } finally {
    await stack?.dispose({ destroy: false });
    await emulator.close();
    rmSync(programDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/** Why a stack's language cannot run here, beyond the CLI and its host: Go's toolchain, the Python environment. */
function missingToolchain(language: RecordedStack["language"]): string | undefined {
  if (language === "go" && !(process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && isExecutable(join(dir, "go"))))
    return "no go on $PATH";
  if (language === "python" && !existsSync(PYTHON_VENV)) return `no Python environment at ${PYTHON_VENV}; run npm run setup:pulumi`;
  return undefined;
}

/** realCliSuite, with the language's toolchain too: skipped with the reason off CI, failing under CI=true. */
function suiteFor(title: string, fixture: RecordedStack): { skip: boolean; title: string } {
  const suite = realCliSuite(title, { languageHost: fixture.language });
  const missing = missingToolchain(fixture.language);
  if (suite.skip || missing === undefined || process.env.CI === "true") return suite;
  return { skip: true, title: `${title} — skipped: ${missing}` };
}

afterAll(() => {
  if (totals.stacks > 0)
    console.log(
      `upgrade: ${totals.stacks} recorded stacks, ${totals.previews} previews, ${totals.changes} changes, ${totals.writes} writes`,
    );
});

it("every recorded stack has its state, config and emulator seed, recorded at a named commit", () => {
  expect(recordedFolders().sort()).toEqual(RECORDED_STACKS.map((stack) => stack.name).sort());
  expect(readRecording().commit).toMatch(/^[0-9a-f]{40}$/);
});

for (const fixture of RECORDED_STACKS) {
  const suite = suiteFor(`upgrade: the ${fixture.name} stack recorded by an earlier build`, fixture);
  describe.skipIf(suite.skip)(suite.title, () => {
    it("previews with --expect-no-changes and updates with this build: 0 changes, 0 writes to Flashback", async () => {
      const result = await replay(fixture);
      totals.stacks += 1;
      totals.previews += 1;
      totals.changes += result.preview.changes + result.up.changes;
      totals.writes += result.writes.length;
      expect(findingsOf(result), `${result.preview.output}\n${result.up.output}`).toEqual([]);
    });
  });
}

const negative = RECORDED_STACKS.find((stack) => stack.name === "yaml") as RecordedStack;
const negativeSuite = suiteFor("upgrade: the check itself, on the yaml stack with a key renamed in its program", negative);
describe.skipIf(negativeSuite.skip)(negativeSuite.title, () => {
  it("reports the change: preview --expect-no-changes fails, up updates one key with one write", async () => {
    const result = await replay(negative, "yaml-renamed");
    expect(findingsOf(result)).toEqual([
      expect.stringMatching(/^preview --expect-no-changes exited with [1-9]/),
      "preview: 1 changes",
      "up: 1 changes",
      expect.stringMatching(/^1 writes: PUT \/repo\/repo-test\/apikey\//),
    ]);
  });
});
