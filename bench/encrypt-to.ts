import { statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmulator } from "../emulator";
import { ageKeyPair, openPgpKeyPair } from "../testkit/encryption-keys";
import { findPulumiCli } from "../testkit/find-pulumi-cli";
import { CliStack, UNATTENDED } from "../testkit/pulumi-cli-stack";
import { median, timed } from "./drive";

/*
 * What `encryptTo` costs, through the real `pulumi` CLI: the bench's own program (bench/ours) with
 * `keyCount` keys, plain, sealed to an age recipient and sealed to an OpenPGP key, taking turns in
 * each run so that all three meet the same machine noise: `pulumi up`'s wall time and the state
 * file's bytes per key. `tsx bench/encrypt-to.ts` prints them alone; `npm run bench` adds them as rows.
 */

export const VARIANTS = ["plain", "age", "openpgp"] as const;
export type Variant = (typeof VARIANTS)[number];

export interface EncryptToFigures {
  keyCount: number;
  createMs: Record<Variant, number>;
  stateBytesPerKey: Record<Variant, number>;
}

const TOKEN = "bench-token";
const REPO = "repo-bench";
const ROOT = resolve(__dirname, "..");
const PROGRAM_DIR = join(ROOT, "bench", "ours");

export async function encryptToFigures(options: { keyCount: number; runs: number; latencyMs: number }): Promise<EncryptToFigures> {
  const recipients: Record<Variant, string | undefined> = {
    plain: undefined,
    age: (await ageKeyPair()).recipient,
    openpgp: (await openPgpKeyPair()).recipient,
  };
  const samples = Object.fromEntries(VARIANTS.map((variant) => [variant, { ms: [] as number[], bytes: [] as number[] }])) as Record<
    Variant,
    { ms: number[]; bytes: number[] }
  >;
  for (let run = 0; run < options.runs; run += 1) {
    for (const variant of VARIANTS) {
      const { ms, stateBytes } = await oneRun(variant, recipients[variant], run, options);
      samples[variant].ms.push(ms);
      samples[variant].bytes.push(stateBytes / options.keyCount);
    }
  }
  const by = (pick: (sample: { ms: number[]; bytes: number[] }) => number[]): Record<Variant, number> =>
    Object.fromEntries(VARIANTS.map((variant) => [variant, median(pick(samples[variant]))])) as Record<Variant, number>;
  return { keyCount: options.keyCount, createMs: by((sample) => sample.ms), stateBytesPerKey: by((sample) => sample.bytes) };
}

async function oneRun(
  variant: Variant,
  recipient: string | undefined,
  run: number,
  options: { keyCount: number; latencyMs: number },
): Promise<{ ms: number; stateBytes: number }> {
  const emulator = await startEmulator({ repos: [REPO], accessTokens: [TOKEN] });
  emulator.faults.latencyMs = options.latencyMs;
  const stack = await CliStack.create({
    programDir: PROGRAM_DIR,
    stackName: `bench-encrypt-${variant}-${run}`,
    env: { FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TOKEN },
  });
  try {
    await stack.setConfig({ repoId: REPO, keyCount: String(options.keyCount), keyPrefix: "bench" });
    if (recipient !== undefined) {
      const file = join(stack.home, "recipient.txt");
      writeFileSync(file, recipient);
      await stack.setConfig({ encryptToFile: file });
    }
    const { ms } = await timed(() => stack.succeed("up", ...UNATTENDED));
    const stateBytes = statSync(join(stack.home, "state", ".pulumi", "stacks", "flashback-bench-ours", `${stack.stackName}.json`)).size;
    if (emulator.store.list(REPO).length !== options.keyCount) throw new Error(`${variant}: not every key was created`);
    return { ms, stateBytes };
  } finally {
    await stack.dispose();
    await emulator.close();
  }
}

if (require.main === module) {
  if (findPulumiCli() === undefined) throw new Error("no Pulumi CLI: run npm run setup:pulumi");
  void encryptToFigures({ keyCount: 50, runs: 2, latencyMs: 50 }).then((figures) => console.log(JSON.stringify(figures, null, 2)));
}
