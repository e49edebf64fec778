import { createHash } from "node:crypto";
import { PartialKeyError } from "../../provider/errors/partial-key-error";
import { RepoApiKeyLifecycle } from "../../provider/lifecycle/repo-api-key-lifecycle";
import type { Machine, VirtualTimeScheduler } from "../../testkit/virtual-time-scheduler";
import type { LifecycleFault } from "./model-faults";
import type { ModelLedger } from "./model-invariants";
import type { StackState } from "./model-state";
import { traceStepOf, type ModelTrace } from "./model-trace";
import { stepContext, type DeploymentRecord, type ModelProcess, type ModelWire, type StepTag } from "./model-wire";
import type { Command, Declared, Kill } from "./model-world";

/** What every deployment of one run shares. */
export interface ModelRun {
  scheduler: VirtualTimeScheduler;
  wire: ModelWire;
  ledger: ModelLedger;
  states: StackState[];
  token: string;
  /** Commands driven so far in this run, recovery and the final sweep included: they number the deployments. */
  commands: number;
  /** Keys made by hand before any deployment, as `pulumi import` finds them, and the one stack that may adopt each. */
  handMade: Array<{ repoId: string; id: string; adopter: number }>;
  trace: ModelTrace;
  /** The age recipient a sealed key's `encryptTo` names; the test holds its private key and opens with it. */
  recipient: string;
  openSealed: (armored: string) => Promise<string>;
  /** Lifecycle calls not finished yet: once the scheduler has nothing left to run, only a killed process may have one. */
  running: Set<{ process: string; alive: () => boolean }>;
  /** A fault put into every process's lifecycle, to show that the model finds what it breaks. */
  fault?: LifecycleFault | undefined;
}

/** A stack as a deployment needs it. */
export interface ModelStack {
  index: number;
  /** The stack's name without its backend: stacks named alike share it, and so their reservation scope. */
  identity: string;
  machine: Machine;
  processes: number;
  operationTimeoutS: number;
}

/**
 * One `pulumi up`, `refresh` or `destroy` of one stack, in miniature: an engine that sends the
 * steps Pulumi sends (check, diff, create, update, create-before-delete replace, delete, read) to
 * fresh provider processes, each a real `RepoApiKeyLifecycle` on the machine's clock, and
 * checkpoints each result it receives while it still runs. Kills and sleeps land where the
 * scheduler puts them.
 */
export class ModelDeployment {
  readonly record: DeploymentRecord;
  readonly #processes: ModelProcess[];
  #engineAlive = true;
  #failed = false;

  constructor(
    private readonly run: ModelRun,
    private readonly stack: ModelStack,
  ) {
    run.commands += 1;
    this.record = { id: `d${run.commands}`, stack: stack.index, killed: false };
    this.#processes = Array.from({ length: stack.processes }, (_, index) => this.#startProcess(`${this.record.id}.p${index + 1}`));
  }

  get state(): StackState {
    return this.run.states[this.stack.index]!;
  }

  /** Starts the command; it ends when the scheduler has run it out (or never, once killed). */
  start(command: Pick<Command, "kind" | "program" | "kill" | "sleep" | "adopt">): Promise<void> {
    const { scheduler } = this.run;
    const own = `${this.record.id}.`;
    const { kill, sleep } = command;
    if (kill !== undefined)
      scheduler.scheduleAfter(kill.afterSteps, own, `${this.record.id} killed (${kill.mode})`, () => this.#kill(kill));
    if (sleep !== undefined) {
      const label = `${this.stack.machine.name} sleeps ${sleep.ms} ms`;
      scheduler.scheduleAfter(sleep.afterSteps, own, label, () => {
        this.run.trace.add({ kind: "sleep", deployment: this.record.id, ms: sleep.ms });
        scheduler.pause(this.stack.machine, sleep.ms);
      });
    }
    if (command.kind === "up") return this.#up(command.program);
    if (command.kind === "refresh") return this.#refresh();
    if (command.kind === "import") return this.#import(command.adopt);
    return this.#destroy();
  }

  #startProcess(id: string): ModelProcess {
    const process = { id, alive: true, inFlight: new Set() } as unknown as ModelProcess;
    const lifecycle = new RepoApiKeyLifecycle({
      env: { FLASHBACK_ACCESS_TOKEN: this.run.token, FLASHBACK_OPERATION_TIMEOUT: String(this.stack.operationTimeoutS) },
      clock: this.run.scheduler.clockFor(id, this.stack.machine),
      transport: this.run.wire.transport(process),
      deploymentScope: scopeOf(this.stack.identity),
      engineListening: async () => this.#engineAlive,
      random: () => 0.5,
      warn: (message) => this.#warn(id, message),
    });
    const tools = { warn: (message: string): void => this.#warn(id, message), openSealed: this.run.openSealed };
    process.lifecycle = this.run.fault === undefined ? lifecycle : this.run.fault(lifecycle, tools);
    return process;
  }

  #warn(process: string, message: string): void {
    this.run.ledger.recordWarning(process, message);
    this.run.trace.add({ kind: "warning", process, message });
  }

  #kill(kill: Kill): void {
    if (!this.#engineAlive) return;
    this.#engineAlive = false;
    this.record.killed = true;
    this.run.trace.add({ kind: "kill", deployment: this.record.id, mode: kill.mode });
    if (kill.mode === "process") for (const process of this.#processes) this.run.wire.kill(process, kill.reach);
  }

  async #up(program: readonly Declared[]): Promise<void> {
    await Promise.all(program.map((declared) => this.#register(declared)));
    if (this.#failed) return;
    const declared = new Set(program.map((entry) => urnOf(this.stack.identity, entry.resource)));
    const doomed = this.state.entries.filter((entry) => entry.condemned || !declared.has(entry.urn));
    await Promise.all(doomed.map((entry) => this.#delete(entry.urn, entry.id, entry.outputs)));
  }

  async #refresh(): Promise<void> {
    await Promise.all(
      [...this.state.entries].map(async (entry) => {
        const process = this.#processFor(entry.urn);
        const tag = this.#tag("read", entry.urn, { targetId: entry.id });
        if (!(await this.#toProvider(process, `read ${entry.urn}`))) return;
        const outcome = await this.#call(process, tag, () => process.lifecycle.read(entry.id, entry.outputs));
        if (!(await this.#toEngine(process, `read ${entry.urn}`)) || "error" in outcome) return;
        if (outcome.value === undefined) this.state.remove(entry.id);
        else {
          const outputs = outcome.value.outputs as unknown as Record<string, unknown>;
          this.run.ledger.recordKept(`the refresh of ${entry.urn}`, entry.id, entry.outputs, outputs);
          entry.outputs = outputs;
        }
        if (outcome.value !== undefined) this.run.ledger.recordHandedOver(`the refresh of ${entry.urn}`, entry.id, entry.outputs);
        this.#checkpointed(tag);
      }),
    );
  }

  /**
   * `pulumi import` of a key made by hand. One stack may adopt each key, as a careful user does:
   * two states holding one key is a user's doing that no provider can see.
   */
  async #import(adopt: Command["adopt"]): Promise<void> {
    const key = adopt === undefined || this.run.handMade.length === 0 ? undefined : this.run.handMade[adopt.key % this.run.handMade.length];
    if (adopt === undefined || key === undefined || key.adopter !== this.stack.index || this.state.holds(key.id)) return;
    const urn = urnOf(this.stack.identity, adopt.resource);
    if (this.state.live(urn) !== undefined) return;
    const process = this.#processFor(urn);
    const tag = this.#tag("import", urn, { targetId: key.id });
    if (!(await this.#toProvider(process, `import ${urn} ${key.id}`))) return;
    const outcome = await this.#call(process, tag, () => process.lifecycle.importKey(`${key.repoId}/${key.id}`));
    if (!(await this.#toEngine(process, `import ${urn}`)) || "error" in outcome) return;
    this.run.ledger.record(`import of ${urn}`, outcome.value.warning);
    this.run.ledger.recordHandedOver(`the import of ${urn}`, key.id, outcome.value.outputs as unknown as Record<string, unknown>);
    this.state.put(urn, outcome.value.id, outcome.value.outputs as unknown as Record<string, unknown>);
    this.#checkpointed(tag);
  }

  async #destroy(): Promise<void> {
    await Promise.all([...this.state.entries].map((entry) => this.#delete(entry.urn, entry.id, entry.outputs)));
  }

  /** Check, then create, update, replace or nothing, as the engine decides from the diff. */
  async #register(declared: Declared): Promise<void> {
    const urn = urnOf(this.stack.identity, declared.resource);
    const process = this.#processFor(urn);
    const news = {
      repoId: declared.repo,
      name: declared.name,
      accessType: declared.accessType,
      ...(declared.rotateWhenChanged === undefined ? {} : { rotateWhenChanged: declared.rotateWhenChanged }),
      ...(declared.sealed === true ? { encryptTo: this.run.recipient } : {}),
    };
    const checked = process.lifecycle.check(news);
    if (checked.failures.length > 0) {
      for (const failure of checked.failures) {
        this.run.ledger.record(`check of ${urn}`, failure.reason);
        this.run.trace.add({
          kind: "refused",
          step: { deployment: this.record.id, stack: this.stack.index, resource: declared.resource },
          reason: failure.reason,
        });
      }
      this.#failed = true;
      return;
    }
    const held = this.state.live(urn);
    const sealed = declared.sealed === true;
    if (held === undefined) return this.#create(process, urn, declared.name, checked.inputs, { replace: false, sealed });
    const diff = process.lifecycle.diff(held.outputs, checked.inputs);
    if (diff.replaces.length > 0) return this.#create(process, urn, declared.name, checked.inputs, { replace: true, sealed });
    if (diff.changes) return this.#update(process, urn, held.id, held.outputs, checked.inputs);
  }

  async #create(
    process: ModelProcess,
    urn: string,
    declaredName: string,
    inputs: Record<string, unknown>,
    { replace, sealed }: { replace: boolean; sealed: boolean },
  ): Promise<void> {
    const tag = this.#tag("create", urn, { declaredName, sealed });
    if (!(await this.#toProvider(process, `${replace ? "replace" : "create"} ${urn}`))) return;
    const outcome = await this.#call(process, tag, () => process.lifecycle.create(inputs));
    if (!(await this.#toEngine(process, `create ${urn}`))) return;
    const made = "value" in outcome ? outcome.value : outcome.error instanceof PartialKeyError ? outcome.error : undefined;
    if (made === undefined) return;
    const outputs = made.outputs as unknown as Record<string, unknown>;
    const partial = made instanceof PartialKeyError;
    if (!partial) this.run.ledger.recordCreated(`the create of ${urn}`, made.id, outputs, sealed);
    if (replace) this.state.replace(urn, made.id, outputs, partial);
    else this.state.put(urn, made.id, outputs, partial);
    this.#checkpointed(tag, partial);
  }

  async #update(
    process: ModelProcess,
    urn: string,
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<void> {
    const tag = this.#tag("update", urn, { targetId: id });
    if (!(await this.#toProvider(process, `update ${urn}`))) return;
    const outcome = await this.#call(process, tag, () => process.lifecycle.update(id, olds, news));
    if (!(await this.#toEngine(process, `update ${urn}`)) || "error" in outcome) return;
    const entry = this.state.entries.find((candidate) => candidate.id === id);
    const outputs = outcome.value as unknown as Record<string, unknown>;
    if (entry !== undefined) this.run.ledger.recordKept(`the update of ${urn}`, id, entry.outputs, outputs);
    if (entry !== undefined) entry.outputs = outputs;
    this.#checkpointed(tag);
  }

  async #delete(urn: string, id: string, olds: Record<string, unknown>): Promise<void> {
    const process = this.#processFor(urn);
    const tag = this.#tag("delete", urn, { targetId: id });
    if (!(await this.#toProvider(process, `delete ${urn} ${id}`))) return;
    const outcome = await this.#call(process, tag, () => process.lifecycle.delete(id, olds));
    if (!(await this.#toEngine(process, `delete ${urn}`)) || "error" in outcome) return;
    this.state.remove(id);
    this.#checkpointed(tag);
  }

  /** One lifecycle call inside its step's context; what it returns or throws is recorded for the secrets check. */
  async #call<T>(process: ModelProcess, tag: StepTag, call: () => Promise<T>): Promise<{ value: T } | { error: unknown }> {
    const running = { process: process.id, alive: () => process.alive };
    this.run.running.add(running);
    try {
      const value = await stepContext.run(tag, call);
      if (typeof value === "object" && value !== null && "outputs" in value) {
        this.run.ledger.recordOutputs(`${tag.kind} of ${tag.urn}`, (value as { outputs: Record<string, unknown> }).outputs);
      } else if (typeof value === "object" && value !== null) {
        this.run.ledger.recordOutputs(`${tag.kind} of ${tag.urn}`, value as Record<string, unknown>);
      }
      return { value };
    } catch (error) {
      this.#failed = true;
      this.run.ledger.recordError(`${tag.kind} of ${tag.urn}`, error);
      this.run.trace.add({ kind: "failed", step: traceStepOf(tag), error: `${(error as Error)?.name}: ${(error as Error)?.message}` });
      if (error instanceof PartialKeyError)
        this.run.ledger.recordOutputs(`partial ${tag.urn}`, error.outputs as unknown as Record<string, unknown>);
      return { error };
    } finally {
      this.run.running.delete(running);
    }
  }

  /** The engine's call reaching the provider: false when the engine is gone by then. */
  async #toProvider(process: ModelProcess, what: string): Promise<boolean> {
    if (!this.#engineAlive) return false;
    await this.run.scheduler.step(`${process.id} ← ${what}`, process.id);
    return this.#engineAlive;
  }

  /** The provider's answer reaching the engine: it checkpoints only while it still runs. */
  async #toEngine(process: ModelProcess, what: string): Promise<boolean> {
    await this.run.scheduler.step(`${process.id} → ${what} done`, process.id);
    return this.#engineAlive;
  }

  #checkpointed(tag: StepTag, partial = false): void {
    tag.checkpointed = true;
    this.run.trace.add({ kind: "checkpoint", step: traceStepOf(tag), partial });
    this.run.ledger.checkHeld();
  }

  #tag(kind: StepTag["kind"], urn: string, extra: Partial<StepTag>): StepTag {
    return { deployment: this.record, stack: this.stack.index, kind, urn, checkpointed: false, ...extra };
  }

  /** Each resource keeps its explicit provider: with two, they alternate by resource. */
  #processFor(urn: string): ModelProcess {
    const index = Number(/r(\d+)$/.exec(urn)?.[1] ?? 0) % this.#processes.length;
    return this.#processes[index]!;
  }
}

export function urnOf(identity: string, resource: string): string {
  return `urn:pulumi:${identity}::model::flashback:index:RepoApiKey::${resource}`;
}

/** 12 hex digits naming a stack, as a deployment's scope: the model's own, so that stacks named alike share it. */
export function scopeOf(identity: string): string {
  return createHash("sha256").update(`organization/model/${identity}`).digest("hex").slice(0, 12);
}
