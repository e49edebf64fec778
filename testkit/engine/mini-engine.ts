import { spawn } from "node:child_process";
import { isDeepStrictEqual } from "node:util";
import { ProviderProcess, type ProviderCallError } from "./provider-process";
import { PROGRAM_RUNNER_ENTRY, unwrapSecrets, wrapSecret, type Props } from "./pulumi-internals";
import { ResourceMonitor, type Registration, type RegisterResult } from "./resource-monitor";

/*
 * A mini engine, for tests and the CLI-less demo. It follows the Pulumi engine's call sequences
 * for dynamic resources (../../../shared/pulumi-notes.md has them): one real dynamic-provider
 * process per pass, the real program runner, and an in-memory state. It is not a Pulumi
 * replacement: one stack, dynamic custom resources only, no aliases, no imports, no plugins.
 */

export interface StoredResource {
  urn: string;
  type: string;
  id: string;
  inputs: Props;
  outputs: Props;
  /** Output names the engine would encrypt in the state. */
  secretOutputs: string[];
}

/** One call the engine made to the provider, in order: what sequence tests assert. */
export interface ProviderCall {
  method: "check" | "diff" | "create" | "read" | "update" | "delete";
  urn: string;
  id?: string;
}

export interface EngineOptions {
  /** Where Pulumi.yaml is: cwd of the provider and the program. */
  programDir: string;
  /** The program to run, relative to `programDir` (Pulumi.yaml's `main`). */
  main?: string;
  project: string;
  stack: string;
  /** Stack config, keys as `namespace:key`. */
  config?: Record<string, string>;
  /** Which config keys were set with `--secret`. */
  secretConfigKeys?: string[];
  /** Environment of the provider and program processes, on top of this one's. */
  env?: NodeJS.ProcessEnv;
  /** Run `main` as TypeScript (ts-node), as `runtime.options.typescript` does. */
  typescript?: boolean;
  /** Steps in flight at once, as `pulumi up --parallel`. */
  parallel?: number;
}

export interface RunResult {
  registrations: Registration[];
  stackOutputs: Props;
  /** What the program printed: leak tests search it. */
  programOutput: string;
  providerStderr: string;
}

export class MiniEngine {
  readonly state = new Map<string, StoredResource>();
  readonly calls: ProviderCall[] = [];
  /** The real engine sends Check and Diff one at a time, whatever `--parallel` says; only the steps run wide. */
  readonly #checkAndDiffLane = new Semaphore(1);

  constructor(readonly options: EngineOptions) {}

  preview(): Promise<RunResult> {
    return this.runProgram(true);
  }

  up(): Promise<RunResult> {
    return this.runProgram(false);
  }

  /** `pulumi refresh`: Read for every resource; an empty id drops it from the state, and inputs a provider sends replace the stored ones. */
  async refresh(): Promise<{ providerStderr: string }> {
    return this.withProvider(async (provider) => {
      await Promise.all(
        [...this.state.values()].map(async (resource) => {
          const read = await this.track({ method: "read", urn: resource.urn, id: resource.id }, () =>
            provider.read(resource.urn, resource.id, resource.outputs),
          );
          if (read.id === "") this.state.delete(resource.urn);
          else this.state.set(resource.urn, { ...resource, id: read.id, outputs: read.properties, inputs: read.inputs ?? resource.inputs });
        }),
      );
      return {};
    });
  }

  /** `pulumi destroy`: Delete for every resource, newest first. A failed delete keeps the resource and fails the command. */
  async destroy(): Promise<{ providerStderr: string }> {
    return this.withProvider(async (provider) => {
      for (const resource of [...this.state.values()].reverse()) {
        await this.track({ method: "delete", urn: resource.urn, id: resource.id }, () =>
          provider.delete(resource.urn, resource.id, resource.outputs),
        );
        this.state.delete(resource.urn);
      }
      return {};
    });
  }

  private async runProgram(dryRun: boolean): Promise<RunResult> {
    return this.withProvider(async (provider) => {
      const registered = new Set<string>();
      const replaced: StoredResource[] = [];
      const limit = new Semaphore(this.options.parallel ?? 8);
      const { monitor, address } = await ResourceMonitor.start((registration) =>
        limit.run(() => this.register(provider, registration, dryRun, registered, replaced)),
      );
      try {
        const programOutput = await this.spawnProgram(address, dryRun);
        if (!dryRun) await this.deleteLeftovers(provider, registered, replaced);
        return { registrations: monitor.registrations, stackOutputs: monitor.stackOutputs, programOutput };
      } finally {
        monitor.stop();
      }
    });
  }

  private async register(
    provider: ProviderProcess,
    registration: Registration,
    dryRun: boolean,
    registered: Set<string>,
    replaced: StoredResource[],
  ): Promise<RegisterResult> {
    const urn = `urn:pulumi:${this.options.stack}::${this.options.project}::${registration.type}::${registration.name}`;
    if (!registration.custom) return { urn, object: {} };
    if (!registration.type.startsWith("pulumi-nodejs:dynamic"))
      throw new Error(`the mini engine runs dynamic resources only; got ${registration.type}`);
    registered.add(urn);
    const { plain: news, secretKeys } = unwrapSecrets(registration.object);
    const secretOutputs = [...new Set([...registration.additionalSecretOutputs, ...secretKeys])];
    const old = this.state.get(urn);

    const checked = await this.#checkAndDiffLane.run(() =>
      this.track({ method: "check", urn }, () => provider.check(urn, old?.inputs ?? {}, news)),
    );
    if (checked.failures.length > 0) throw new Error(`${urn}: ${checked.failures.map((failure) => failure.reason).join("; ")}`);
    const inputs = checked.inputs;

    if (old === undefined) {
      if (dryRun) return { urn, object: markSecrets(inputs, secretOutputs) };
      const created = await this.createOrRecordPartial(provider, urn, registration.type, inputs, secretOutputs);
      return { urn, id: created.id, object: markSecrets(created.outputs, secretOutputs) };
    }
    const diff = await this.#checkAndDiffLane.run(() =>
      this.track({ method: "diff", urn, id: old.id }, () => provider.diff(urn, old.id, old.outputs, inputs)),
    );
    // "Unknown": the engine diffs the stored inputs against the new ones (diffResource in Pulumi's step_generator.go).
    const changes = diff.changes ?? !isDeepStrictEqual(old.inputs, inputs);
    if (!changes) {
      this.state.set(urn, { ...old, inputs, secretOutputs });
      return { urn, id: old.id, object: markSecrets(old.outputs, secretOutputs) };
    }
    if (dryRun) return { urn, id: old.id, object: markSecrets({ ...old.outputs, ...inputs }, secretOutputs) };
    if (diff.replaces.length > 0) {
      // Create-before-delete, the default: the old resource is deleted once the program has finished.
      replaced.push(old);
      const created = await this.createOrRecordPartial(provider, urn, registration.type, inputs, secretOutputs);
      return { urn, id: created.id, object: markSecrets(created.outputs, secretOutputs) };
    }
    const updated = await this.track({ method: "update", urn, id: old.id }, () => provider.update(urn, old.id, old.outputs, inputs));
    this.state.set(urn, { ...old, inputs, outputs: updated.properties, secretOutputs });
    return { urn, id: old.id, object: markSecrets(updated.properties, secretOutputs) };
  }

  /** Create; on an init error, records the partial resource as the engine does, then fails. */
  private async createOrRecordPartial(
    provider: ProviderProcess,
    urn: string,
    type: string,
    inputs: Props,
    secretOutputs: string[],
  ): Promise<StoredResource> {
    try {
      const created = await this.track({ method: "create", urn }, () => provider.create(urn, inputs));
      if (created.id === "") throw new Error(`${urn}: the provider returned an empty id from create`);
      const stored = { urn, type, id: created.id, inputs, outputs: created.properties, secretOutputs };
      this.state.set(urn, stored);
      return stored;
    } catch (error) {
      const partial = (error as ProviderCallError).initFailure;
      if (partial) this.state.set(urn, { urn, type, id: partial.id, inputs, outputs: partial.properties, secretOutputs });
      throw error;
    }
  }

  private async deleteLeftovers(provider: ProviderProcess, registered: Set<string>, replaced: StoredResource[]): Promise<void> {
    for (const resource of [...this.state.values()].reverse()) {
      if (registered.has(resource.urn)) continue;
      await this.track({ method: "delete", urn: resource.urn, id: resource.id }, () =>
        provider.delete(resource.urn, resource.id, resource.outputs),
      );
      this.state.delete(resource.urn);
    }
    for (const resource of replaced) {
      await this.track({ method: "delete", urn: resource.urn, id: resource.id }, () =>
        provider.delete(resource.urn, resource.id, resource.outputs),
      );
    }
  }

  /** Runs `task` with a fresh provider process, as each engine pass does; adds what the process wrote to stderr. */
  private async withProvider<T extends object>(task: (provider: ProviderProcess) => Promise<T>): Promise<T & { providerStderr: string }> {
    const provider = await ProviderProcess.start({ cwd: this.options.programDir, env: this.options.env });
    try {
      await provider.configure(this.options.config ?? {}, this.options.secretConfigKeys);
      const value = await task(provider);
      return { ...value, providerStderr: provider.stderr };
    } finally {
      await provider.stop();
    }
  }

  private async track<T>(call: ProviderCall, step: () => Promise<T>): Promise<T> {
    this.calls.push(call);
    return step();
  }

  private spawnProgram(monitorAddress: string, dryRun: boolean): Promise<string> {
    const { options } = this;
    const toEnvKey = (key: string): string => key.replace(/^([^:]+):/, "$1:config:");
    const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([key, value]) => [toEnvKey(key), value]));
    const args = [
      PROGRAM_RUNNER_ENTRY,
      "--monitor",
      monitorAddress,
      "--project",
      options.project,
      "--stack",
      options.stack,
      "--pwd",
      options.programDir,
    ];
    if (dryRun) args.push("--dry-run");
    args.push("--parallel", String(options.parallel ?? 8), options.main ?? ".");
    const child = spawn(process.execPath, args, {
      cwd: options.programDir,
      env: {
        ...process.env,
        ...options.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify((options.secretConfigKeys ?? []).map(toEnvKey)),
        PULUMI_NODEJS_TYPESCRIPT: options.typescript ? "true" : "false",
      },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) =>
      child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`the program exited with ${code}:\n${output}`)))),
    );
  }
}

function markSecrets(outputs: Props, secretOutputs: string[]): Props {
  const marked: Props = {};
  for (const [key, value] of Object.entries(outputs)) {
    if (key === "__provider") continue;
    marked[key] = secretOutputs.includes(key) ? wrapSecret(value) : value;
  }
  return marked;
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
