import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { releasedPlugin } from "../scripts/release";
import { median } from "./drive";

/**
 * What starting the provider plugin costs a deployment: from exec to the port it prints, the
 * moment the engine can talk to it. The Node.js script (bin/, node loading dist/ and node_modules)
 * beside the standalone executable of `npm run build:plugin`, taking turns.
 */
export async function pluginStartFigures(
  root: string,
  runs: number,
): Promise<{ scriptMs: number; executableMs: number; tarballBytes: number }> {
  const { tarball, executable } = await releasedPlugin();
  const script = join(root, "bin", "pulumi-resource-flashback");
  const times = { script: [] as number[], executable: [] as number[] };
  for (let run = 0; run < runs; run += 1) {
    times.script.push(await msToPort(script));
    times.executable.push(await msToPort(executable));
  }
  return { scriptMs: median(times.script), executableMs: median(times.executable), tarballBytes: statSync(tarball).size };
}

/** Exec to the first line of stdout (the port); the engine address is never dialled before a call. */
export async function msToPort(executable: string): Promise<number> {
  return (await startToPort(executable)).ms;
}

/**
 * Exec to the port, in wall time and in the CPU time the process spent on every thread until
 * then (Linux's per-thread schedstat, in nanoseconds): the second barely moves when the machine
 * is busy with other work, the first does.
 */
export function startToPort(executable: string): Promise<{ ms: number; cpuMs: number | undefined }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(executable, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "ignore"] });
    child.once("error", reject);
    child.stdout.once("data", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpuMs = child.pid === undefined ? undefined : cpuMsOf(child.pid);
      child.kill("SIGKILL");
      resolve({ ms, cpuMs });
    });
  });
}

function cpuMsOf(pid: number): number | undefined {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return undefined;
  let nanoseconds = 0;
  for (const task of readdirSync(tasks)) {
    try {
      nanoseconds += Number(readFileSync(`${tasks}/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that ended between the listing and the read took its time with it.
    }
  }
  return nanoseconds / 1e6;
}
