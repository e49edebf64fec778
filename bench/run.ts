/**
 * `npm run bench`: this provider beside a minimal docs-style dynamic provider (bench/baseline),
 * both driven over gRPC in the real dynamic-provider process as the engine drives them, against
 * the emulator with a set latency. Writes bench/results/latest.{json,md} and prints the table;
 * `npm run bench -- --only no-change-up` runs row 14 alone into bench/results/no-change-up.{json,md}.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describeMachine } from "../testkit/machine";
import { startEmulator, type RunningEmulator } from "../emulator";
import { MiniEngine } from "../testkit/engine/mini-engine";
import { findPulumiCli, PULUMI_CLI_VERSION } from "../testkit/find-pulumi-cli";
import { cpuTimeMs, median, peakRssMiB, runPool, startSubject, timed, upNew, upRenamed, type Subject } from "./drive";
import { pluginStartFigures } from "./plugin-start";
import { COMMANDS, realCliFigures } from "./real-cli";
import { encryptToFigures } from "./encrypt-to";
import { sealedCheckFigures } from "./sealed-check";
import { FRONTS, noChangeUpFigures } from "./no-change-up";
import { STUB_BUDGET_BYTES } from "../provider/dynamic/stub";

const ROOT = resolve(__dirname, "..");
const TOKEN = "bench-token";
const REPO = "repo-bench";
const LATENCY_MS = 50;
/** Round trips of one create: the reservation POST and its claim PUT (provider/lifecycle/create-without-orphans.ts). */
const REQUESTS_PER_CREATE = 2;
const RUNS = 2;
const LIFECYCLE_PARALLEL = 16;
const CLI_KEYS = 200;
const CLI_RUNS = 2;
const PLUGIN_START_RUNS = 10;
const ENCRYPT_TO_KEYS = 50;
const SEALED_CHECKS = 1000;
const NO_CHANGE_KEYS = 1000;
const NO_CHANGE_RUNS = 1;

interface Row {
  figure: string;
  ours: number;
  baseline: number | string;
  /** The same work with no HTTP at all: what the provider process and the driver cost by themselves. */
  floor?: number;
  unit: string;
  reference: string;
  ratio: number;
  /** What the row must meet; a row that only reports has none, and no verdict. */
  goal: string;
  met?: boolean;
}

/** Groups of rows that `npm run bench -- --only <name>` runs alone, writing bench/results/<name>.{json,md}. */
const ALONE: Record<string, () => Promise<Row[]>> = { "no-change-up": noChangeUpRows };

async function main(): Promise<void> {
  const started = Date.now();
  const only = onlyArgument();
  if (only !== undefined) {
    report(await only.rows(), Date.now() - started, only.name);
    return;
  }
  const [ours, baseline, floor] = (await serializeSubjects()) as [Subject, Subject, Subject];
  const subjects = [ours, baseline];
  const rows: Row[] = [];

  const cpuPerKey: BySubject<number> = { ours: [], baseline: [], floor: [] };
  for (const parallel of [8, 64]) {
    const runs = await sideBySide([ours, baseline, floor], RUNS, (subject) => createMany(subject, 200, parallel));
    const times = {
      ours: runs.ours.map((run) => run.ms),
      baseline: runs.baseline.map((run) => run.ms),
      floor: runs.floor.map((run) => run.ms),
    };
    for (const name of ["ours", "baseline", "floor"] as const) cpuPerKey[name].push(...runs[name].map((run) => run.cpuMs / 200));
    const ideal = Math.ceil(200 / parallel) * REQUESTS_PER_CREATE * LATENCY_MS;
    const ratio = median(times.ours) / ideal;
    rows.push({
      figure: `1. create 200 keys, P=${parallel}, ${LATENCY_MS} ms latency`,
      ours: median(times.ours),
      baseline: median(times.baseline),
      floor: median(times.floor),
      unit: "ms",
      reference: `ideal ${ideal} ms`,
      ratio,
      goal: "≤ 1.10 x ideal, ≤ baseline",
      met: ratio <= 1.1 && median(times.ours) <= median(times.baseline),
    });
  }
  rows.push({
    figure: "1b. provider-process CPU per key (Check + Create), all runs of 1",
    ours: median(cpuPerKey.ours),
    baseline: median(cpuPerKey.baseline),
    floor: median(cpuPerKey.floor),
    unit: "ms",
    reference: "baseline",
    ratio: median(cpuPerKey.ours) / median(cpuPerKey.baseline),
    goal: "none: explains row 1",
  });

  const cold = await sideBySide(subjects, 5, (subject) => coldStart(subject));
  rows.push(ratioRow("2. cold start: spawn to first Create answered", cold, "ms", 1.25));

  rows.push({
    figure: "3. __provider size per resource (stored twice)",
    ours: Buffer.byteLength(ours.serializedProvider),
    baseline: Buffer.byteLength(baseline.serializedProvider),
    unit: "bytes",
    reference: `${STUB_BUDGET_BYTES} bytes`,
    ratio: Buffer.byteLength(ours.serializedProvider) / STUB_BUDGET_BYTES,
    goal: `≤ ${STUB_BUDGET_BYTES} bytes`,
    met: Buffer.byteLength(ours.serializedProvider) <= STUB_BUDGET_BYTES,
  });

  const limited = await sideBySide(subjects, 1, (subject) => underRateLimit(subject));
  // The limiter's floor for the requests this provider needs: one listing, then a reservation and a claim per key.
  const minimum = ((1 + 100 * REQUESTS_PER_CREATE - 20) / 10) * 1000;
  rows.push({
    figure: "4. 100 keys under 10 req/s (burst 20), P=8",
    ours: median(limited.ours.map((run) => run.ms)),
    baseline: describeLimited(limited.baseline[0] as LimitedRun),
    unit: "ms",
    reference: `limit's minimum ${minimum} ms for ${1 + 100 * REQUESTS_PER_CREATE} requests`,
    ratio: median(limited.ours.map((run) => run.ms)) / minimum,
    goal: "all created, 0 duplicates, ≤ 1.2 x minimum",
    met:
      limited.ours.every((run) => run.created === 100 && run.duplicates === 0) &&
      median(limited.ours.map((run) => run.ms)) <= 1.2 * minimum,
  });

  const memory = await sideBySide(subjects, RUNS, (subject) => memoryWith(subject, 1000));
  rows.push(ratioRow("5. provider peak RSS with 1,000 keys", memory, "MiB", 1.2));

  const lifecycle = await sideBySide([ours, baseline, floor], RUNS, (subject) => wholeLifecycle(subject, 200, LIFECYCLE_PARALLEL));
  // Create, then one request per key for rename, refresh (at most) and destroy.
  const lifecycleIdeal = (REQUESTS_PER_CREATE + 3) * Math.ceil(200 / LIFECYCLE_PARALLEL) * LATENCY_MS;
  rows.push({
    figure: `6. lifecycle of 200 keys (create, rename, refresh, destroy), P=${LIFECYCLE_PARALLEL}`,
    ours: median(lifecycle.ours),
    baseline: median(lifecycle.baseline),
    floor: median(lifecycle.floor),
    unit: "ms",
    reference: `ideal ${lifecycleIdeal} ms`,
    ratio: median(lifecycle.ours) / lifecycleIdeal,
    goal: "none: reported against the ideal",
  });

  rows.push(...(await realCliRows()));
  rows.push(...(await encryptToRows()));
  rows.push(...(await sealedCheckRows(ours)));
  rows.push(...(await noChangeUpRows()));

  const plugin = await pluginStartFigures(ROOT, PLUGIN_START_RUNS);
  rows.push({
    figure: `9. provider plugin cold start: exec to port, median of ${PLUGIN_START_RUNS}`,
    ours: plugin.executableMs,
    baseline: plugin.scriptMs,
    unit: "ms",
    reference: "250 ms; baseline: the Node.js script in bin/",
    ratio: plugin.executableMs / 250,
    goal: "≤ 250 ms",
    met: plugin.executableMs <= 250,
  });
  rows.push({
    figure: "10. plugin tarball (linux-amd64), compressed",
    ours: Math.round(plugin.tarballBytes / 1e5) / 10,
    baseline: "-",
    unit: "MB",
    reference: "-",
    ratio: 1,
    goal: "none: reported",
  });
  report(rows, Date.now() - started);
}

/** The real `pulumi` CLI's figures, where a CLI is installed (`npm run setup:pulumi`). */
async function realCliRows(): Promise<Row[]> {
  if (findPulumiCli() === undefined) {
    console.warn("No Pulumi CLI found: the real-CLI figures (7, 8) are left out. Run npm run setup:pulumi for them.");
    return [];
  }
  const figures = await realCliFigures({ keyCount: CLI_KEYS, runs: CLI_RUNS, latencyMs: LATENCY_MS, root: ROOT });
  const rows: Row[] = COMMANDS.map((command) => {
    const [ours, baseline, floor] = [figures.ms.ours[command], figures.ms.baseline[command], figures.ms.floor[command]];
    return {
      figure: `7. real pulumi ${PULUMI_CLI_VERSION}: ${command}, ${CLI_KEYS} keys, default parallelism`,
      ours,
      baseline,
      floor,
      unit: "ms",
      reference: "floor",
      ratio: ours / floor,
      goal: "≤ 1.05 x floor, ≤ baseline",
      met: ours <= 1.05 * floor && ours <= baseline,
    };
  });
  const bytes = figures.stateBytesPerKey;
  rows.push({
    figure: `8. state file bytes per key (${CLI_KEYS} keys)`,
    ours: bytes.ours,
    baseline: bytes.baseline,
    floor: bytes.floor,
    unit: "bytes",
    reference: "baseline",
    ratio: bytes.ours / bytes.baseline,
    goal: "≤ 0.5 x baseline",
    met: bytes.ours <= 0.5 * bytes.baseline,
  });
  return rows;
}

/** 11 and 12: `pulumi up` and the state per key, sealed to age and to OpenPGP, each beside the same keys plain (bench/encrypt-to.ts). */
async function encryptToRows(): Promise<Row[]> {
  if (findPulumiCli() === undefined) return [];
  const figures = await encryptToFigures({ keyCount: ENCRYPT_TO_KEYS, runs: RUNS, latencyMs: LATENCY_MS });
  return SEALED_FORMATS.flatMap((format): Row[] => [
    againstPlain(
      `11. real pulumi: up (create), ${ENCRYPT_TO_KEYS} keys with encryptTo (${format}); baseline: the same keys plain`,
      figures.createMs,
      format,
      "ms",
    ),
    againstPlain(`12. state file bytes per key with encryptTo (${format}); baseline: plain`, figures.stateBytesPerKey, format, "bytes"),
  ]);
}

/** 13: Check sealed to age and to OpenPGP against the same Checks plain, in one run (bench/sealed-check.ts). */
async function sealedCheckRows(ours: Subject): Promise<Row[]> {
  const figures = await sealedCheckFigures(ours, { root: ROOT, checkCount: SEALED_CHECKS, runs: RUNS });
  const figure = (format: string): string =>
    `13. ${SEALED_CHECKS} Checks over gRPC, encryptTo (${format}), a fresh process; baseline: the same Checks plain`;
  return SEALED_FORMATS.map((format) => againstPlain(figure(format), figures.ms, format, "ms", 1.1));
}

const SEALED_FORMATS = ["age", "openpgp"] as const;

/** 14: a no-change `pulumi up` of seeded stacks on both fronts, plain and sealed, against each front's floor (bench/no-change-up.ts). */
async function noChangeUpRows(): Promise<Row[]> {
  if (findPulumiCli() === undefined) return [];
  const figures = await noChangeUpFigures({ keyCount: NO_CHANGE_KEYS, runs: NO_CHANGE_RUNS, latencyMs: LATENCY_MS });
  return FRONTS.flatMap((front) =>
    (["plain", ...SEALED_FORMATS] as const).map((variant): Row => {
      const [ours, floor] = [figures.ms[front][variant], figures.ms[front].floor];
      return {
        figure: `14. real pulumi: up with no change, ${NO_CHANGE_KEYS} keys (${variant}), ${front === "yaml" ? "YAML through the plugin" : "TypeScript"}, seeded by stack import`,
        ours,
        baseline: "-",
        floor,
        unit: "ms",
        reference: "floor",
        ratio: ours / floor,
        goal: "≤ 1.05 x floor, 0 writes",
        met: ours <= 1.05 * floor,
      };
    }),
  );
}

/** `--only <name>`: one group of rows alone; undefined when absent, an error naming the groups when unknown. */
function onlyArgument(): { name: string; rows: () => Promise<Row[]> } | undefined {
  const at = process.argv.indexOf("--only");
  if (at === -1) return undefined;
  const name = process.argv[at + 1] ?? "";
  const rows = ALONE[name];
  if (rows === undefined) throw new Error(`--only takes one of: ${Object.keys(ALONE).join(", ")} (got "${name}")`);
  return { name, rows };
}

/** A sealed figure beside the same one plain; without a goal, the row only reports what `encryptTo` costs. */
function againstPlain(
  figure: string,
  values: Record<"plain" | (typeof SEALED_FORMATS)[number], number>,
  format: (typeof SEALED_FORMATS)[number],
  unit: string,
  goal?: number,
): Row {
  const ratio = values[format] / values.plain;
  return {
    figure,
    ours: values[format],
    baseline: values.plain,
    unit,
    reference: "plain",
    ratio,
    goal: goal === undefined ? "none: the cost of encryptTo" : `≤ ${goal} x plain`,
    ...(goal === undefined ? {} : { met: ratio <= goal }),
  };
}

/** The `__provider` each subject's program produces, through the real serializer. */
async function serializeSubjects(): Promise<Subject[]> {
  const emulator = await startEmulator({ repos: [REPO], accessTokens: [TOKEN] });
  try {
    const serialize = async (name: string, main: string, typescript: boolean, project: string): Promise<Subject> => {
      const engine = new MiniEngine({
        programDir: ROOT,
        main,
        project,
        stack: "bench",
        typescript,
        config: { [`${project}:repoId`]: REPO },
      });
      const preview = await engine.preview();
      return { name, serializedProvider: preview.registrations.find((registration) => registration.custom)?.object.__provider as string };
    };
    return [
      await serialize("ours", "examples/basic/index.ts", true, "flashback-basic"),
      await serialize("baseline", "bench/baseline/index.js", false, "flashback-bench-baseline"),
      await serialize("floor", "bench/floor/index.js", false, "flashback-bench-floor"),
    ];
  } finally {
    await emulator.close();
  }
}

/** Runs `measure` for each subject in turn, `runs` times, so both meet the same machine noise. */
/** Results by subject name; a subject not measured has an empty list. */
type BySubject<T> = { ours: T[]; baseline: T[]; floor: T[] };

async function sideBySide<T>(subjects: Subject[], runs: number, measure: (subject: Subject) => Promise<T>): Promise<BySubject<T>> {
  const results: BySubject<T> = { ours: [], baseline: [], floor: [] };
  for (let run = 0; run < runs; run += 1) {
    for (const subject of subjects) results[subject.name as keyof BySubject<T>].push(await measure(subject));
  }
  return results;
}

async function withEmulator<T>(
  configure: (emulator: RunningEmulator) => void,
  work: (emulator: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ repos: [REPO], accessTokens: [TOKEN] });
  configure(emulator);
  try {
    return await work(emulator);
  } finally {
    await emulator.close();
  }
}

const envFor = (emulator: RunningEmulator): NodeJS.ProcessEnv => ({
  FLASHBACK_API_URL: emulator.url,
  FLASHBACK_ACCESS_TOKEN: TOKEN,
  BENCH_LATENCY_MS: String(emulator.faults.latencyMs),
});

/** Wall time of creating `count` keys, and the CPU the provider process spent on them. */
function createMany(subject: Subject, count: number, parallel: number): Promise<{ ms: number; cpuMs: number }> {
  return withEmulator(
    (emulator) => (emulator.faults.latencyMs = LATENCY_MS),
    async (emulator) => {
      const provider = await startSubject(subject, ROOT, envFor(emulator));
      try {
        const cpuBefore = await cpuTimeMs(provider.pid);
        const { ms } = await timed(() => runPool(count, parallel, (index) => upNew(provider, subject, index, REPO)));
        return { ms, cpuMs: (await cpuTimeMs(provider.pid)) - cpuBefore };
      } finally {
        await provider.stop();
      }
    },
  );
}

function coldStart(subject: Subject): Promise<number> {
  return withEmulator(
    () => undefined,
    async (emulator) => {
      const { ms, result: provider } = await timed(async () => {
        const provider = await startSubject(subject, ROOT, envFor(emulator));
        await upNew(provider, subject, 0, REPO);
        return provider;
      });
      await provider.stop();
      return ms;
    },
  );
}

interface LimitedRun {
  ms: number;
  created: number;
  duplicates: number;
  failed: number;
}

function underRateLimit(subject: Subject): Promise<LimitedRun> {
  return withEmulator(
    (emulator) => (emulator.faults.rateLimit = { requestsPerSecond: 10, burst: 20 }),
    async (emulator) => {
      const provider = await startSubject(subject, ROOT, envFor(emulator));
      try {
        const { ms, result } = await timed(() =>
          runPool(100, 8, (index) =>
            upNew(provider, subject, index, REPO).then(
              () => true,
              () => false,
            ),
          ),
        );
        const keys = emulator.store.list(REPO);
        return {
          ms,
          created: keys.length,
          duplicates: keys.length - new Set(keys.map((key) => key.name)).size,
          failed: result.filter((ok) => !ok).length,
        };
      } finally {
        await provider.stop();
      }
    },
  );
}

function describeLimited(run: LimitedRun): string {
  return `${Math.round(run.ms)} ms, ${run.failed} of 100 failed`;
}

function memoryWith(subject: Subject, count: number): Promise<number> {
  return withEmulator(
    () => undefined,
    async (emulator) => {
      const provider = await startSubject(subject, ROOT, envFor(emulator));
      try {
        await runPool(count, 64, (index) => upNew(provider, subject, index, REPO));
        return await peakRssMiB(provider.pid);
      } finally {
        await provider.stop();
      }
    },
  );
}

function wholeLifecycle(subject: Subject, count: number, parallel: number): Promise<number> {
  return withEmulator(
    (emulator) => (emulator.faults.latencyMs = LATENCY_MS),
    async (emulator) => {
      const provider = await startSubject(subject, ROOT, envFor(emulator));
      try {
        const { ms } = await timed(async () => {
          const created = await runPool(count, parallel, (index) => upNew(provider, subject, index, REPO));
          const renamed = await runPool(count, parallel, (index) =>
            upRenamed(provider, subject, created[index] as (typeof created)[number]),
          );
          await runPool(count, parallel, (index) => {
            const key = renamed[index] as (typeof renamed)[number];
            return provider.read(key.urn, key.id, key.properties);
          });
          await runPool(count, parallel, (index) => {
            const key = renamed[index] as (typeof renamed)[number];
            return provider.delete(key.urn, key.id, key.properties);
          });
        });
        if (emulator.store.list(REPO).length !== 0) throw new Error(`${subject.name}: keys left after the lifecycle`);
        if (subject.name !== "floor" && emulator.requests.length < 3 * count)
          throw new Error(`${subject.name}: too few requests for the lifecycle`);
        return ms;
      } finally {
        await provider.stop();
      }
    },
  );
}

function ratioRow(figure: string, values: { ours: number[]; baseline: number[] }, unit: string, goal: number): Row {
  const ratio = median(values.ours) / median(values.baseline);
  return {
    figure,
    ours: median(values.ours),
    baseline: median(values.baseline),
    unit,
    reference: "baseline",
    ratio,
    goal: `≤ ${goal} x baseline`,
    met: ratio <= goal,
  };
}

function report(rows: Row[], elapsedMs: number, name = "latest"): void {
  const machine = describeMachine();
  const format = (value: number | string): string => (typeof value === "number" ? value.toFixed(value < 10 ? 2 : 0) : value);
  const date = new Date().toISOString();
  const command = name === "latest" ? "npm run bench" : `npm run bench -- --only ${name}`;
  const lines = [
    `Made by \`${command}\` on ${date}. Machine: ${machine}. Each figure is the median of its runs (${name === "latest" ? `${RUNS} for throughput, memory and lifecycle; 5 for cold start; 1 under the rate limit; ${CLI_RUNS} for the real CLI; ` : ""}${NO_CHANGE_RUNS} for row 14).`,
    "",
    "| figure | ours | baseline | floor (no HTTP) | unit | against | ratio | goal | met |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.figure} | ${format(row.ours)} | ${format(row.baseline)} | ${row.floor === undefined ? "" : format(row.floor)} | ${row.unit} | ${row.reference} | ${row.ratio.toFixed(2)} | ${row.goal} | ${verdict(row)} |`,
    ),
    "",
    "The floor is the same work through a dynamic provider that sends no request and only waits out the latency: what Pulumi's provider",
    "process, its gRPC calls and this driver cost on this machine. No provider that makes HTTP requests can be faster than it.",
    "Rows 7 and 8 run the real `pulumi` CLI (file backend, `--skip-preview`, so each command times the operation itself) on the same",
    "program with each provider (bench/ours, bench/baseline, bench/floor).",
    "Row 14 seeds each stack with `pulumi stack import` (a real `up` of 2 keys, cloned to the count) and fails unless the `up` counts",
    "every resource unchanged and Flashback saw no write; its floors are bench/floor (TypeScript) and bench/floor-plugin (YAML).",
    "",
    `Bench took ${(elapsedMs / 1000).toFixed(0)} s.`,
  ];
  const markdown = lines.join("\n");
  const directory = join(ROOT, "bench", "results");
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, `${name}.json`), JSON.stringify({ command, machine, date, rows }, null, 2));
  writeFileSync(join(directory, `${name}.md`), `${markdown}\n`);
  console.log(markdown);
}

/** yes or no where the row has a goal; nothing where it only reports. */
function verdict(row: Row): string {
  if (row.met === undefined) return "";
  return row.met ? "yes" : "**no**";
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
