import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { changesIn, unchangedIn } from "../testkit/cli-summary";
import { ageKeyPair, openPgpKeyPair } from "../testkit/encryption-keys";
import { findPulumiCli } from "../testkit/find-pulumi-cli";
import { CliStack, UNATTENDED, type StateDeployment, type StateResource } from "../testkit/pulumi-cli-stack";
import { median, timed } from "./drive";
import { VARIANTS, type Variant } from "./encrypt-to";

/*
 * The commonest command: `pulumi up` when nothing changed, on a stack of `keyCount` keys, through the
 * real CLI on both fronts (the TypeScript program of bench/ours, and a YAML program served by the
 * plugin), plain and sealed, beside each front's no-HTTP floor (bench/floor, bench/floor-plugin).
 * Each stack is seeded, not created key by key: one real `up` of two keys, its state exported, its
 * last key cloned to `keyCount` under new ids and names (ciphertexts copied, nothing encrypted here),
 * imported with `pulumi stack import`; the emulator holds a key under each id.
 * `tsx bench/no-change-up.ts [keyCount]` prints the figures alone.
 */

export const FRONTS = ["typescript", "yaml"] as const;
export type Front = (typeof FRONTS)[number];
type Subject = { front: Front; variant: Variant | "floor" };

export interface NoChangeUpFigures {
  keyCount: number;
  /** Median wall time of the no-change `up`, by front, for each variant and the front's floor. */
  ms: Record<Front, Record<Variant | "floor", number>>;
}

const TOKEN = "bench-token";
const REPO = "repo-bench";
const ROOT = resolve(__dirname, "..");
/** The real up that the seeded state is cloned from: two keys, so that the clone starts from one that is not the first. */
const SEED_KEYS = 2;

export async function noChangeUpFigures(options: { keyCount: number; runs: number; latencyMs: number }): Promise<NoChangeUpFigures> {
  const recipients: Record<Variant, string | undefined> = {
    plain: undefined,
    age: (await ageKeyPair()).recipient,
    openpgp: (await openPgpKeyPair()).recipient,
  };
  const subjects: Subject[] = FRONTS.flatMap((front) => [
    { front, variant: "floor" as const },
    ...VARIANTS.map((variant) => ({ front, variant })),
  ]);
  const samples = new Map<string, number[]>();
  for (let run = 0; run < options.runs; run += 1) {
    for (const subject of subjects) {
      const ms = await oneRun(subject, subject.variant === "floor" ? undefined : recipients[subject.variant], run, options);
      samples.set(label(subject), [...(samples.get(label(subject)) ?? []), ms]);
    }
  }
  const byVariant = (front: Front): Record<Variant | "floor", number> =>
    Object.fromEntries(
      (["floor", ...VARIANTS] as const).map((variant) => [variant, median(samples.get(label({ front, variant })) ?? [])]),
    ) as Record<Variant | "floor", number>;
  return { keyCount: options.keyCount, ms: { typescript: byVariant("typescript"), yaml: byVariant("yaml") } };
}

const label = (subject: Subject): string => `${subject.front}-${subject.variant}`;

/** One seeded stack's no-change `up`, in ms; throws where the `up` changed anything, in the state or in Flashback. */
async function oneRun(
  subject: Subject,
  recipient: string | undefined,
  run: number,
  options: { keyCount: number; latencyMs: number },
): Promise<number> {
  const emulator = await startEmulator({ repos: [REPO], accessTokens: [TOKEN] });
  emulator.faults.latencyMs = options.latencyMs;
  const scratch = mkdtempSync(join(tmpdir(), "flashback-bench-no-change-"));
  const recipientFile = join(scratch, "recipient.txt");
  if (recipient !== undefined) writeFileSync(recipientFile, recipient);
  const program = programOf(subject, scratch, recipient === undefined ? undefined : recipientFile);
  const stack = await CliStack.create({
    programDir: program.dir,
    stackName: `bench-no-change-${label(subject)}-${run}`,
    env: { FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TOKEN, BENCH_LATENCY_MS: String(options.latencyMs) },
  });
  try {
    await stack.setConfig({ repoId: REPO, ...program.config(SEED_KEYS) });
    await stack.succeed("up", ...UNATTENDED);
    const seeded = seedState(JSON.parse((await stack.succeed("stack", "export")).stdout) as ExportedState, options.keyCount, subject);
    const stateFile = join(scratch, "state.json");
    writeFileSync(stateFile, JSON.stringify(seeded.state));
    await stack.succeed("stack", "import", "--file", stateFile);
    if (subject.variant !== "floor") for (const key of seeded.clones) plantKey(emulator, key);
    await stack.setConfig(program.config(options.keyCount));

    emulator.requests.length = 0;
    const { ms, result } = await timed(() => stack.succeed("up", ...UNATTENDED, "--expect-no-changes"));
    const counted = (seeded.state.deployment.resources ?? []).filter((resource) => !resource.type.startsWith("pulumi:providers:")).length;
    const writes = emulator.requests.filter((request) => request.method !== "GET").map((request) => `${request.method} ${request.path}`);
    const problems = [
      ...(changesIn(result.output) === 0 ? [] : [`${changesIn(result.output)} changes`]),
      ...(unchangedIn(result.output) === counted ? [] : [`${unchangedIn(result.output)} unchanged, not ${counted}`]),
      ...(writes.length === 0 ? [] : [`${writes.length} writes to Flashback (${writes.slice(0, 3).join(", ")}…)`]),
      ...(subject.variant === "floor" || emulator.store.list(REPO).length === options.keyCount
        ? []
        : [`${emulator.store.list(REPO).length} keys in Flashback, not ${options.keyCount}`]),
    ];
    if (problems.length > 0)
      throw new Error(`no-change up of ${label(subject)} changed something: ${problems.join("; ")}\n${result.output.slice(-2000)}`);
    return ms;
  } finally {
    await stack.dispose({ destroy: false });
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A program of the subject, and the stack config that gives it `keyCount` keys. */
function programOf(
  subject: Subject,
  scratch: string,
  recipientFile: string | undefined,
): { dir: string; config: (keyCount: number) => Record<string, string> } {
  if (subject.front === "typescript") {
    const sealed: Record<string, string> = recipientFile === undefined ? {} : { encryptToFile: recipientFile };
    return {
      dir: join(ROOT, "bench", subject.variant === "floor" ? "floor" : "ours"),
      config: (keyCount) => ({ keyCount: String(keyCount), keyPrefix: "bench", ...sealed }),
    };
  }
  const dir = join(scratch, "program");
  // Rewritten in place: the stack's config file lives beside it.
  const write = (keyCount: number): Record<string, string> => {
    writeYamlProgram(dir, subject.variant === "floor", keyCount, recipientFile);
    return {};
  };
  write(SEED_KEYS);
  return { dir, config: write };
}

/**
 * A YAML program of `keyCount` keys named `bench-<n>`: YAML has no loop, so it is written out. The
 * floor's keys are the no-HTTP plugin's; ours, the flashback plugin's from bin/.
 */
function writeYamlProgram(dir: string, floor: boolean, keyCount: number, recipientFile: string | undefined): void {
  const [plugin, path, type] = floor
    ? ["benchfloor", join(ROOT, "bench", "floor-plugin"), "benchfloor:index:Key"]
    : ["flashback", join(ROOT, "bin"), "flashback:index:RepoApiKey"];
  const sealed = recipientFile === undefined ? "" : `, encryptTo: "\${recipient}"`;
  const lines = [
    `name: flashback-bench-yaml-${floor ? "floor" : "ours"}`,
    "runtime: yaml",
    "plugins:",
    "  providers:",
    `    - name: ${plugin}`,
    `      path: ${JSON.stringify(path)}`,
    "config:",
    "  repoId:",
    "    type: string",
    ...(recipientFile === undefined ? [] : ["variables:", "  recipient:", `    fn::readFile: ${JSON.stringify(recipientFile)}`]),
    "resources:",
    ...Array.from({ length: keyCount }, (_, index) => [
      `  key-${index}:`,
      `    type: ${type}`,
      `    properties: { repoId: "\${repoId}", name: bench-${index}, accessType: READ${sealed} }`,
    ]).flat(),
  ];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Pulumi.yaml"), `${lines.join("\n")}\n`);
}

interface ExportedState {
  version: number;
  deployment: StateDeployment & { resources: StateResource[] };
}

/**
 * The exported state with its last key cloned to `keyCount` keys: `key-<n>`, named `bench-<n>`, each
 * under a new id; everything else (the provider, the ciphertexts, `__provider`) as the real up stored it.
 */
function seedState(exported: ExportedState, keyCount: number, subject: Subject): { state: ExportedState; clones: StateResource[] } {
  const resources = exported.deployment.resources;
  const isKey = (resource: StateResource): boolean => /::key-\d+$/.test(resource.urn);
  const keys = resources.filter(isKey);
  const template = keys.at(-1);
  if (keys.length !== SEED_KEYS || template === undefined)
    throw new Error(`${label(subject)}: the seed up left ${keys.length} keys, not ${SEED_KEYS}`);
  const clones = Array.from({ length: keyCount - SEED_KEYS }, (_, offset) => cloneKey(template, SEED_KEYS + offset));
  const all = [...keys, ...clones];
  const stack = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  // The TypeScript programs export their keys' ids: the stack's outputs must already hold them all.
  if (stack?.outputs?.keyIds !== undefined) stack.outputs.keyIds = all.map((key) => key.id);
  return {
    state: {
      ...exported,
      deployment: { ...exported.deployment, resources: [...resources.filter((resource) => !isKey(resource)), ...all] },
    },
    clones,
  };
}

function cloneKey(template: StateResource, index: number): StateResource {
  const id = randomUUID();
  const name = `bench-${index}`;
  return {
    ...template,
    urn: template.urn.replace(/::key-\d+$/, `::key-${index}`),
    id,
    inputs: { ...template.inputs, name },
    outputs: { ...template.outputs, name, ...(template.outputs?.id === undefined ? {} : { id }) },
  };
}

/** The key a cloned state entry names, in Flashback under the same id. */
function plantKey(emulator: RunningEmulator, key: StateResource): void {
  emulator.store.create(REPO, key.inputs?.name as string, key.inputs?.accessType as string, { id: key.id as string });
}

if (require.main === module) {
  if (findPulumiCli() === undefined) throw new Error("no Pulumi CLI: run npm run setup:pulumi");
  void noChangeUpFigures({ keyCount: Number(process.argv[2] ?? 50), runs: 1, latencyMs: 50 }).then((figures) =>
    console.log(JSON.stringify(figures, null, 2)),
  );
}
