import { inspect } from "node:util";
import type { HttpRequest, HttpResult } from "../../provider/client/http-transport";
import type { AnswerShapes, InMemoryFlashback, StoredKey } from "../../testkit/in-memory-flashback";
import type { StackState } from "./model-state";
import { isStepTag, type StepTag } from "./model-wire";

/*
 * The README's promises, checked on what happened rather than on what the code meant to do:
 * - no key a state holds is deleted by anything but that state's own delete (a replace's included);
 * - after the recovery, no key the provider made is left that no state holds, apart from the cases
 *   the README names (a kill between a rename's answer and its checkpoint; a reservation Flashback's
 *   answers give no proof of age for), which are counted apart;
 * - no duplicate: one declared resource with two live keys, or one id held twice;
 * - no secret outside a secret: no plaintext secret or token in a message, a warning or an output but `secret`.
 */

/** A reservation name as the README states it: `pulumi-pending-<12 hex>-<12 hex>-<seconds>`. */
const RESERVATION_SHAPE = /^pulumi-pending-[0-9a-f]{12}-[0-9a-f]{12}-\d+$/;

export function isReservationShaped(name: string): boolean {
  return RESERVATION_SHAPE.test(name);
}

/** Whether Flashback's answers carry what proves a reservation's age: a zoned `createdAt` and a `Date`. */
function givesProofOfAge(shapes: AnswerShapes): boolean {
  return shapes.dateHeader && (shapes.createdAt === "utc" || shapes.createdAt === "offset");
}

export interface Counts {
  lost: number;
  orphaned: number;
  duplicates: number;
  exposed: number;
  /** Allowed: keys under their declared name left by a kill between the rename's answer and the checkpoint. */
  leftByKill: number;
  /** Allowed: reservations left while Flashback's answers give no proof of their age. */
  unprovable: number;
  /** Not a finding: leftovers of other creates that a sweep deleted (what the recovery is for). */
  swept: number;
  /** Allowed: held keys renamed by hand into a reservation's shape, which handed them to the sweep. */
  renamedByHand: number;
}

export class ModelLedger {
  readonly #lost = new Map<string, string>();
  readonly #orphaned = new Map<string, string>();
  readonly #duplicates = new Map<string, string>();
  readonly #texts: Array<{ where: string; text: string }> = [];
  #leftByKill = 0;
  #unprovable = 0;
  #warnedNoProof = false;
  #swept = 0;
  #renamedByHand = 0;
  #exposed: string[] = [];

  constructor(
    private readonly flashback: InMemoryFlashback,
    private readonly states: readonly StackState[],
    private readonly token: string,
  ) {}

  /** A text the provider produced for users: an error, a check failure, a warning, an output. */
  record(where: string, text: string): void {
    this.#texts.push({ where, text });
  }

  /** A warning for the user: scanned for secrets, and what tells a leftover that cannot be swept from one left silently. */
  recordWarning(process: string, message: string): void {
    this.record(`warning of ${process}`, message);
    if (/cannot prove them abandoned/.test(message)) this.#warnedNoProof = true;
  }

  recordError(where: string, error: unknown): void {
    const parts = [String(error), error instanceof Error ? (error.stack ?? "") : "", inspect(error, { depth: 5 })];
    try {
      parts.push(JSON.stringify(error) ?? "");
    } catch {
      // An error that cannot be serialized shows nothing that way.
    }
    this.record(where, parts.join("\n"));
  }

  /** Every field but `secret` is printed in plain text somewhere (the CLI, `pulumi stack export` for non-secrets). */
  recordOutputs(where: string, outputs: Record<string, unknown>): void {
    const { secret: _secret, ...shown } = outputs;
    this.record(where, JSON.stringify(shown));
  }

  /** What a refresh or an import hands a state: never a key under a name the sweep deletes (issue 21, point 1). */
  recordHandedOver(where: string, id: string, outputs: Record<string, unknown>): void {
    if (typeof outputs.name === "string" && isReservationShaped(outputs.name)) {
      this.#lost.set(id, `${id}: ${where} handed the state a key named "${outputs.name}", which the next sweep deletes`);
    }
  }

  /** Checked as Flashback acts: a delete of a key a state holds, by anything but that state's own delete step. */
  onApplied(request: HttpRequest, tag: StepTag | undefined, result: HttpResult): void {
    if (request.method !== "DELETE" || result.kind !== "response" || result.status !== 200) return;
    const keyId = decodeURIComponent(request.path.split("/").pop() ?? "");
    const deleted = this.flashback.tombstone(keyId);
    if (deleted !== undefined && isReservationShaped(deleted.name) && deleted.createdBy !== tag) this.#swept += 1;
    let held = false;
    this.states.forEach((state, stack) => {
      if (!state.holds(keyId)) return;
      held = true;
      if (!state.holdsHandedOver(keyId) || isOwnDelete(tag, stack, deleted, keyId)) return;
      if (deleted !== undefined && renamedByHandIntoReservation(deleted)) this.#renamedByHand += 1;
      else this.#lost.set(keyId, `${keyId} ("${deleted?.name}"), held by stack #${stack}, deleted by ${describeTag(tag)}`);
    });
    // README: a key that is not under a reservation name is never touched, unless a state holds it.
    if (!held && deleted !== undefined && !isStepTag(deleted.createdBy) && !isReservationShaped(deleted.name)) {
      this.#lost.set(keyId, `${keyId} ("${deleted.name}"), made by hand, deleted by ${describeTag(tag)}`);
    }
  }

  /** After a step's checkpoint and after every command: a held key Flashback no longer has was deleted by its own state, by hand, or lost. */
  checkHeld(): void {
    this.states.forEach((state, stack) => {
      for (const entry of state.entries) {
        if (this.flashback.find(entry.id) !== undefined || isPartial(entry.outputs)) continue;
        const gone = this.flashback.tombstone(entry.id);
        if (gone === undefined) this.#lost.set(entry.id, `${entry.id}, held by stack #${stack}, was never made by Flashback`);
        else if (isStepTag(gone.deletedBy) && !isOwnDelete(gone.deletedBy, stack, gone, entry.id) && !renamedByHandIntoReservation(gone)) {
          this.#lost.set(entry.id, `${entry.id} ("${gone.name}"), held by stack #${stack}, was deleted by ${describeTag(gone.deletedBy)}`);
        }
      }
    });
  }

  /** After the recovery: what is left that nobody holds, and whether anything is held twice. */
  finish(shapes: AnswerShapes): Counts {
    this.checkHeld();
    const holders = new Map<string, number>();
    for (const state of this.states) for (const entry of state.entries) holders.set(entry.id, (holders.get(entry.id) ?? 0) + 1);
    for (const [id, count] of holders) if (count > 1) this.#duplicates.set(id, `${id} is held ${count} times`);
    for (const key of this.flashback.allKeys()) {
      if (holders.has(key.id) || !isStepTag(key.createdBy)) continue;
      this.#classifyUnheld(key, key.createdBy, shapes);
    }
    this.#exposed = this.#findExposures();
    return {
      lost: this.#lost.size,
      orphaned: this.#orphaned.size,
      duplicates: this.#duplicates.size,
      exposed: this.#exposed.length,
      leftByKill: this.#leftByKill,
      unprovable: this.#unprovable,
      swept: this.#swept,
      renamedByHand: this.#renamedByHand,
    };
  }

  /** One line per finding, for the failure's report. */
  findings(): string[] {
    return [
      ...[...this.#lost.values()].map((text) => `key lost: ${text}`),
      ...[...this.#orphaned.values()].map((text) => `key orphaned: ${text}`),
      ...[...this.#duplicates.values()].map((text) => `duplicate: ${text}`),
      ...this.#exposed.map((text) => `secret exposed: ${text}`),
    ];
  }

  #classifyUnheld(key: StoredKey, made: StepTag, shapes: AnswerShapes): void {
    const what = `${key.id} ("${key.name}" in ${key.repoId}), made by ${describeTag(made)}`;
    if (isReservationShaped(key.name) && key.name !== made.declaredName) {
      if (givesProofOfAge(shapes)) this.#orphaned.set(key.id, `${what}, still under its reservation name`);
      else if (!this.#warnedNoProof) this.#orphaned.set(key.id, `${what}, left without a word although Flashback's answers prove no age`);
      else this.#unprovable += 1;
      return;
    }
    if (made.deployment.killed && !made.checkpointed && key.name === made.declaredName) {
      this.#leftByKill += 1;
      return;
    }
    const state = this.states[made.stack];
    if (state?.live(made.urn) !== undefined) this.#duplicates.set(key.id, `${what}: ${made.urn} has another live key in its state`);
    else this.#orphaned.set(key.id, `${what}, held by no state`);
  }

  #findExposures(): string[] {
    const secrets = [this.token, ...this.flashback.everyKey().map((key) => key.secret)];
    const found: string[] = [];
    for (const { where, text } of this.#texts) {
      for (const secret of secrets)
        if (text.includes(secret)) found.push(`${where} holds a ${secret === this.token ? "token" : "key's secret"}`);
    }
    return found;
  }
}

/**
 * A state's own delete of a key: its delete step (a replace's included), or the create that made
 * the key cleaning up what it could not hand over whole (a partial resource whose delete's answer was lost).
 */
/**
 * A partial resource: a key its create could neither hand over nor delete, recorded without its
 * secret for the next `up` to replace. Nobody can use it, so whoever deletes it takes nothing.
 */
export function isPartial(outputs: Record<string, unknown>): boolean {
  return outputs.secret === "" && outputs.importedWithoutSecret !== true;
}

/** A key somebody renamed in the console into a reservation's shape: whoever did handed it to the sweep. */
function renamedByHandIntoReservation(key: StoredKey): boolean {
  const last = key.renames[key.renames.length - 1];
  return last?.by === "console" && isReservationShaped(key.name);
}

function isOwnDelete(tag: unknown, stack: number, key: StoredKey | undefined, keyId: string): boolean {
  if (!isStepTag(tag) || tag.stack !== stack) return false;
  return (tag.kind === "delete" && tag.targetId === keyId) || (tag.kind === "create" && key?.createdBy === tag);
}

export function describeTag(tag: unknown): string {
  if (!isStepTag(tag)) return String(tag ?? "nobody known");
  const target = tag.targetId === undefined ? "" : ` of ${tag.targetId}`;
  return `${tag.deployment.id} (stack #${tag.stack}) ${tag.kind}${target} for ${tag.urn.split("::").pop()}`;
}
