import { statSync } from "node:fs";
import { join } from "node:path";
import { startEmulator } from "../emulator";
import { CliStack, UNATTENDED } from "../testkit/pulumi-cli-stack";
import { median, timed } from "./drive";

/*
 * The real `pulumi` CLI's figures of `npm run bench`: the same 200-key program with this package
 * (bench/ours), the docs-style baseline and the no-HTTP floor, each through `pulumi up` (create),
 * `pulumi up` (rename all), `pulumi refresh` and `pulumi destroy`, with a file backend, at the
 * default parallelism, with `--skip-preview` so that each command times the operation itself.
 * Subjects take turns within each run, so they meet the same machine noise.
 */

export const SUBJECTS = ["ours", "baseline", "floor"] as const;
export type SubjectName = (typeof SUBJECTS)[number];
export const COMMANDS = ["up (create)", "up (rename all)", "refresh", "destroy"] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface RealCliFigures {
  /** Median wall time of each command, by subject, in ms. */
  ms: Record<SubjectName, Record<CommandName, number>>;
  /** The state file's bytes per key after the create. */
  stateBytesPerKey: Record<SubjectName, number>;
}

const TOKEN = "bench-token";
const REPO = "repo-bench";

export async function realCliFigures(options: {
  keyCount: number;
  runs: number;
  latencyMs: number;
  root: string;
}): Promise<RealCliFigures> {
  const samples = Object.fromEntries(
    SUBJECTS.map((subject) => [subject, { ms: {} as Record<CommandName, number[]>, bytes: [] as number[] }]),
  ) as Record<SubjectName, { ms: Record<CommandName, number[]>; bytes: number[] }>;
  for (let run = 0; run < options.runs; run += 1) {
    for (const subject of SUBJECTS) {
      const result = await oneRun(subject, run, options);
      for (const command of COMMANDS) (samples[subject].ms[command] ??= []).push(result.ms[command]);
      samples[subject].bytes.push(result.stateBytes / options.keyCount);
    }
  }
  const medians = (subject: SubjectName): Record<CommandName, number> =>
    Object.fromEntries(COMMANDS.map((command) => [command, median(samples[subject].ms[command])])) as Record<CommandName, number>;
  return {
    ms: { ours: medians("ours"), baseline: medians("baseline"), floor: medians("floor") },
    stateBytesPerKey: { ours: median(samples.ours.bytes), baseline: median(samples.baseline.bytes), floor: median(samples.floor.bytes) },
  };
}

async function oneRun(
  subject: SubjectName,
  run: number,
  options: { keyCount: number; latencyMs: number; root: string },
): Promise<{ ms: Record<CommandName, number>; stateBytes: number }> {
  const emulator = await startEmulator({ repos: [REPO], accessTokens: [TOKEN] });
  emulator.faults.latencyMs = options.latencyMs;
  const programDir = join(options.root, "bench", subject);
  const stack = await CliStack.create({
    programDir,
    stackName: `bench-${run}`,
    env: { FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TOKEN, BENCH_LATENCY_MS: String(options.latencyMs) },
  });
  try {
    await stack.setConfig({ repoId: REPO, keyCount: String(options.keyCount), keyPrefix: "bench" });
    const command = async (...args: string[]): Promise<number> => (await timed(() => stack.succeed(...args, ...UNATTENDED))).ms;
    const ms = {} as Record<CommandName, number>;
    ms["up (create)"] = await command("up");
    const stateBytes = statSync(join(stack.home, "state", ".pulumi", "stacks", projectName(subject), `${stack.stackName}.json`)).size;
    if (subject !== "floor" && emulator.store.list(REPO).length !== options.keyCount)
      throw new Error(`${subject}: not every key was created`);
    await stack.setConfig({ keyPrefix: "renamed" });
    ms["up (rename all)"] = await command("up");
    ms.refresh = await command("refresh");
    ms.destroy = await command("destroy");
    if (emulator.store.list(REPO).length !== 0) throw new Error(`${subject}: keys left after destroy`);
    return { ms, stateBytes };
  } finally {
    await stack.dispose();
    await emulator.close();
  }
}

const projectName = (subject: SubjectName): string => `flashback-bench-${subject}`;
