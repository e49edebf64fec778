/*
 * `npx tsx bench/plugin-builds.ts [label=]executable ...`: builds of the provider plugin side by
 * side, for a change to how it is built (the Node.js it embeds, Node's single-executable options).
 * For each: exec to port (the start a deployment pays, as row 9 of `npm run bench` times it), in
 * wall time and in the CPU time the process spent until then, taking turns (each round led by the
 * next) so that the machine's drift hits all alike, the medians and their ratios to the first; its
 * size, and its size in a tarball as `npm run release` makes one (`tar -czf`).
 * With no argument: this checkout's executable beside the Node.js script in bin/; `--script` adds
 * that script to the builds given.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { releasedPlugin } from "../scripts/release";
import { median } from "./drive";
import { startToPort } from "./plugin-start";

const ROOT = resolve(__dirname, "..");
const RUNS = Number(process.env.PLUGIN_BUILDS_RUNS ?? 21);

interface Subject {
  label: string;
  executable: string;
  /** A script's own size says nothing: it loads dist/ and node_modules. */
  sized: boolean;
}

function subjectOf(argument: string): Subject {
  const equals = argument.indexOf("=");
  if (equals < 0) return { label: basename(argument), executable: resolve(argument), sized: true };
  return { label: argument.slice(0, equals), executable: resolve(argument.slice(equals + 1)), sized: true };
}

const SCRIPT: Subject = { label: "the Node.js script in bin/", executable: join(ROOT, "bin", "pulumi-resource-flashback"), sized: false };

async function subjectsOf(args: readonly string[]): Promise<Subject[]> {
  const builds = args.filter((arg) => arg !== "--script").map(subjectOf);
  if (builds.length === 0) return [{ label: "executable", executable: (await releasedPlugin()).executable, sized: true }, SCRIPT];
  return args.includes("--script") ? [...builds, SCRIPT] : builds;
}

/** The size of a tarball of the executable alone, compressed as the release's tarball is. */
function tarballBytes(executable: string): number {
  const scratch = mkdtempSync(join(tmpdir(), "flashback-plugin-builds-"));
  try {
    const tarball = join(scratch, "plugin.tar.gz");
    execFileSync("tar", ["-czf", tarball, "-C", dirname(executable), basename(executable)]);
    return statSync(tarball).size;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const subjects = await subjectsOf(process.argv.slice(2));
  const times = subjects.map(() => [] as number[]);
  const cpuTimes = subjects.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run += 1) {
    // Each round starts with the next subject, so that no build always goes first.
    for (let turn = 0; turn < subjects.length; turn += 1) {
      const index = (run + turn) % subjects.length;
      const { ms, cpuMs } = await startToPort(subjects[index]!.executable);
      times[index]!.push(ms);
      if (cpuMs !== undefined) cpuTimes[index]!.push(cpuMs);
    }
  }
  const first = median(times[0]!);
  const firstCpu = cpuTimes[0]!.length > 0 ? median(cpuTimes[0]!) : undefined;
  console.log(`plugin builds: exec to port in wall and CPU time, medians of ${RUNS} taken in turns; size, and in a tar.gz`);
  console.log(
    "| build | start, ms | ratio | CPU to port, ms | ratio | size, MB | tar.gz, MB |\n| --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const [index, subject] of subjects.entries()) {
    const ms = median(times[index]!);
    const size = subject.sized ? (statSync(subject.executable).size / 1e6).toFixed(1) : "-";
    const compressed = subject.sized ? (tarballBytes(subject.executable) / 1e6).toFixed(1) : "-";
    const cpuMs = cpuTimes[index]!.length > 0 ? median(cpuTimes[index]!) : undefined;
    const cpu = cpuMs === undefined || firstCpu === undefined ? "- | -" : `${cpuMs.toFixed(0)} | ${(cpuMs / firstCpu).toFixed(2)}`;
    console.log(`| ${subject.label} | ${ms.toFixed(0)} | ${(ms / first).toFixed(2)} | ${cpu} | ${size} | ${compressed} |`);
  }
}

main().catch((error: unknown) => {
  console.error(`plugin-builds: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
