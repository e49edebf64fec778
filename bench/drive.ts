import { readFile } from "node:fs/promises";
import { ProviderProcess } from "../testkit/engine/provider-process";
import type { Props } from "../testkit/engine/pulumi-internals";

/** One provider under measurement: its serialized `__provider`, exactly as a program produced it. */
export interface Subject {
  name: string;
  serializedProvider: string;
}

export const RESOURCE_URN = (index: number): string => `urn:pulumi:bench::bench::pulumi-nodejs:dynamic:Resource::key-${index}`;

/** Runs `task(0..count-1)` with at most `parallel` at once, as the engine's `--parallel` does. */
export async function runPool<T>(count: number, parallel: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}

export interface CreatedKey {
  urn: string;
  id: string;
  properties: Props;
}

/** What `pulumi up` asks of the provider for a new resource: Check, then Create. */
export async function upNew(provider: ProviderProcess, subject: Subject, index: number, repoId: string): Promise<CreatedKey> {
  const urn = RESOURCE_URN(index);
  const news = { repoId, name: `bench-${index}`, accessType: "READ", __provider: subject.serializedProvider };
  const checked = await provider.check(urn, {}, news);
  const created = await provider.create(urn, checked.inputs);
  return { urn, id: created.id, properties: created.properties };
}

/** A rename: Check, Diff, Update. */
export async function upRenamed(provider: ProviderProcess, subject: Subject, key: CreatedKey): Promise<CreatedKey> {
  const { repoId, accessType, name } = key.properties;
  const news = { repoId, accessType, name: `${name as string}-renamed`, __provider: subject.serializedProvider };
  const checked = await provider.check(key.urn, key.properties, news);
  await provider.diff(key.urn, key.id, key.properties, checked.inputs);
  const updated = await provider.update(key.urn, key.id, key.properties, checked.inputs);
  return { ...key, properties: updated.properties };
}

export async function startSubject(subject: Subject, cwd: string, env: NodeJS.ProcessEnv): Promise<ProviderProcess> {
  const provider = await ProviderProcess.start({ cwd, env });
  await provider.configure({});
  return provider;
}

/** Peak resident memory of a process, from Linux's /proc (VmHWM), in MiB. */
export async function peakRssMiB(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** CPU time (user + system) a process has used so far, from Linux's /proc, in ms. */
export async function cpuTimeMs(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th, in clock ticks (100 per second).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}
