import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

/*
 * The recorded stacks of the upgrade suite (test/e2e/upgrade-recorded.test.ts): one folder per
 * stack under test/fixtures/upgrade, holding its program, its stack config, the state an earlier
 * build left (`pulumi stack export`) and the emulator's keys at that moment. Recorded by
 * `npm run record:upgrade-fixtures` at a release tag, never by the build under test.
 */

export const FIXTURES_DIR = resolve(__dirname, "..", "test", "fixtures", "upgrade");
/** Every recorded stack has this name: a stack's URNs carry it, so the replay must use it too. */
export const RECORDED_STACK = "upgrade";
/** The stack config beside each program: the repository, the recipients and the token, encrypted with the passphrase below. */
export const STACK_CONFIG_FILE = `Pulumi.${RECORDED_STACK}.yaml`;
export const STATE_FILE = "state.json";
export const EMULATOR_SEED_FILE = "emulator-seed.json";
/** Which commit, CLI and "now" the stacks were recorded with. */
export const RECORDING_FILE = join(FIXTURES_DIR, "recorded.json");
/**
 * The passphrase of every recorded stack's secrets (the token in its config, the key secrets in its
 * state): the one the real-CLI suites use (testkit/pulumi-cli-stack.ts), fixed and public, as
 * everything in these fixtures is test data of the emulator.
 */
export const RECORDED_PASSPHRASE = "flashback-e2e";

/**
 * The id of the key each program adopts with the `import` option, planted in the emulator before
 * recording. The programs write it out, as YAML takes the option as a literal only.
 */
export const IMPORTED_KEY_ID = "00000000-0000-4000-8000-00000000feed";

export interface RecordedStack {
  /** Its folder under test/fixtures/upgrade. */
  name: string;
  /** The language host it needs (`nodejs` for the dynamic resource). */
  language: "nodejs" | "yaml" | "python" | "go";
  /** Whether its program has a key adopted with the `import` option (a dynamic resource cannot be imported). */
  imports: boolean;
}

export const RECORDED_STACKS: readonly RecordedStack[] = [
  { name: "ts", language: "nodejs", imports: false },
  { name: "yaml", language: "yaml", imports: true },
  { name: "python", language: "python", imports: true },
  { name: "go", language: "go", imports: true },
];

export interface Recording {
  commit: string;
  cli: string;
  /** What the schedules took for now while recording (FLASHBACK_TEST_NOW): the replay stays within their period. */
  now: string;
  passphrase: string;
}

export function readRecording(): Recording {
  return JSON.parse(readFileSync(RECORDING_FILE, "utf8")) as Recording;
}

/** What a recording writes beside the program: never copied into a place a program runs. */
const RECORDED_FILES = new Set([STACK_CONFIG_FILE, STATE_FILE, EMULATOR_SEED_FILE]);
/** What running a program leaves in its folder. */
const GENERATED = new Set(["sdks", "node_modules", "__pycache__"]);

/**
 * A copy of a fixture's program to run, `scratch` beside the fixtures of `fixturesDir`, at the same
 * depth, so that the paths its Pulumi.yaml names relative to the repository (the plugin, the Python
 * environment) still hold; the generated SDK and `stack rm` then touch the copy, never the fixture.
 */
export function placeProgram(programDir: string, fixturesDir: string, scratch: string): string {
  const target = join(fixturesDir, scratch);
  rmSync(target, { recursive: true, force: true });
  cpSync(programDir, target, {
    recursive: true,
    filter: (source) => {
      const name = source.slice(programDir.length + 1).split(/[\\/]/)[0] ?? "";
      return !RECORDED_FILES.has(name) && !GENERATED.has(name);
    },
  });
  return target;
}

/** The recorded stack config, put beside a placed program after `stack init` wrote its own. */
export function placeStackConfig(fixture: string, programDir: string): void {
  copyFileSync(join(FIXTURES_DIR, fixture, STACK_CONFIG_FILE), join(programDir, STACK_CONFIG_FILE));
}

/** The fixtures' folders that hold a recorded state. */
export function recordedFolders(): string[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  return readdirSync(FIXTURES_DIR).filter((name) => existsSync(join(FIXTURES_DIR, name, STATE_FILE)));
}
