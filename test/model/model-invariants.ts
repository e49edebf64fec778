import { inspect } from "node:util";
import type { HttpRequest, HttpResult } from "../../provider/client/http-transport";
import type { AnswerShapes, InMemoryFlashback, StoredKey } from "../../testkit/in-memory-flashback";
import type { StackState } from "./model-state";
import { isNonEmptyString } from "../../provider/utils/is-non-empty-string";
import { isStepTag, type StepTag } from "./model-wire";

/*
 * The README's promises, checked on what happened rather than on what the code meant to do:
 * - no key a state holds is deleted by anything but that state's own delete (a replace's included);
 * - after the recovery, no key the provider made is left that no state holds, apart from the cases
 *   the README names (a kill between a rename's answer and its checkpoint; a reservation Flashback's
 *   answers give no proof of age for), which are counted apart;
 * - no duplicate: one declared resource with two live keys, or one id held twice;
 * - no secret outside a secret: no plaintext secret or token in a message, a warning or an output but `secret`;
 * - a key handed over can be used: its plain secret, or (with `encryptTo`) a ciphertext that the
 *   recipient's private key opens to the secret Flashback issued; one without either is lost;
 * - no plaintext of a sealed key's secret anywhere: not in a state, an output (its `secret` included),
 *   a message, a warning or the run's log.
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
  /** Keys handed over sealed (`encryptTo`): each one's ciphertext was opened and checked. */
  sealed: number;
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
  /** Every sealed hand-over, to open at the end; and every output in full, `secret` included, to search for sealed plaintexts. */
  readonly #sealed = new Map<string, { where: string; encryptedSecret: string }>();
  readonly #fullOutputs: Array<{ where: string; text: string }> = [];

  constructor(
    private readonly flashback: InMemoryFlashback,
    private readonly states: readonly StackState[],
    private readonly token: string,
    /** Opens a ciphertext with the private key the run's recipient belongs to. */
    private readonly openSealed: (armored: string) => Promise<string>,
    /** The run's own story (the scheduler's log), searched for sealed plaintexts at the end. */
    private readonly log: readonly string[],
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
    this.#fullOutputs.push({ where, text: JSON.stringify(outputs) });
  }

  /**
   * A key a create handed over whole (no `PartialKeyError`): somebody must be able to use it. A
   * sealed key's ciphertext is kept to open at the end; one with neither secret nor ciphertext is lost.
   */
  recordCreated(where: string, id: string, outputs: Record<string, unknown>, sealed: boolean): void {
    if (sealed && isNonEmptyString(outputs.encryptedSecret)) this.#sealed.set(id, { where, encryptedSecret: outputs.encryptedSecret });
    else if (sealed) this.#lost.set(id, `${id}: ${where} handed over a sealed key without its ciphertext, so nobody can read its secret`);
    else if (!isNonEmptyString(outputs.secret)) this.#lost.set(id, `${id}: ${where} handed over a key without its secret`);
  }

  /** An update or a refresh keeps what the key was handed over with: dropping its secret or ciphertext loses it. */
  recordKept(where: string, id: string, before: Record<string, unknown>, after: Record<string, unknown>): void {
    for (const field of ["secret", "encryptedSecret"] as const) {
      if (isNonEmptyString(before[field]) && before[field] !== after[field])
        this.#lost.set(id, `${id}: ${where} changed or dropped its ${field}`);
    }
  }

  /** What a refresh or an import hands a state: never a key under a name the sweep deletes */
  recordHandedOver(where: string, id: string, outputs: Record<string, unknown>): void {
    if (typeof outputs.name === "string" && isReservationShaped(outputs.name)) {
      this.#lost.set(id, `${id}: ${where} handed the state a key named "${outputs.name}", which the next sweep deletes`);
    }
  }

  /** Checked as Flashback acts: a delete of a key a state holds, by anything but that state's own delete step. */
  /** Returns whether the request was a sweep's delete of another create's reservation. */
  onApplied(request: HttpRequest, tag: StepTag | undefined, result: HttpResult): boolean {
    if (request.method !== "DELETE" || result.kind !== "response" || result.status !== 200) return false;
    const keyId = decodeURIComponent(request.path.split("/").pop() ?? "");
    const deleted = this.flashback.tombstone(keyId);
    const sweep = deleted !== undefined && isReservationShaped(deleted.name) && deleted.createdBy !== tag;
    if (sweep) this.#swept += 1;
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
    return sweep;
  }

  /** After a step's checkpoint and after every command: a held key Flashback no longer has was deleted by its own state, by hand, or lost. */
  checkHeld(): void {
    this.states.forEach((state, stack) => {
      for (const entry of state.entries) {
        if (this.flashback.find(entry.id) !== undefined || entry.partial) continue;
        const gone = this.flashback.tombstone(entry.id);
        if (gone === undefined) this.#lost.set(entry.id, `${entry.id}, held by stack #${stack}, was never made by Flashback`);
        else if (isStepTag(gone.deletedBy) && !isOwnDelete(gone.deletedBy, stack, gone, entry.id) && !renamedByHandIntoReservation(gone)) {
          this.#lost.set(entry.id, `${entry.id} ("${gone.name}"), held by stack #${stack}, was deleted by ${describeTag(gone.deletedBy)}`);
        }
      }
    });
  }

  /** After the recovery: what is left that nobody holds, and whether anything is held twice. */
  async finish(shapes: AnswerShapes): Promise<Counts> {
    this.checkHeld();
    const holders = new Map<string, number>();
    for (const state of this.states) for (const entry of state.entries) holders.set(entry.id, (holders.get(entry.id) ?? 0) + 1);
    for (const [id, count] of holders) if (count > 1) this.#duplicates.set(id, `${id} is held ${count} times`);
    for (const key of this.flashback.allKeys()) {
      if (holders.has(key.id) || !isStepTag(key.createdBy)) continue;
      this.#classifyUnheld(key, key.createdBy, shapes);
    }
    await this.#openSealed();
    const sealed = this.flashback.everyKey().filter((key) => isStepTag(key.createdBy) && key.createdBy.sealed === true);
    this.#exposed = [...this.#findExposures(new Set(sealed)), ...this.#findSealedPlaintexts(sealed)];
    return {
      sealed: this.#sealed.size,
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

  /** Each sealed key's ciphertext, opened by its recipient's private key, gives the secret Flashback issued with it. */
  async #openSealed(): Promise<void> {
    for (const [id, { where, encryptedSecret }] of this.#sealed) {
      const issued = this.flashback.everyKey().find((key) => key.id === id)?.secret;
      const opened = await this.openSealed(encryptedSecret).catch(() => undefined);
      if (opened === undefined || opened !== issued)
        this.#lost.set(id, `${id}: the ciphertext ${where} handed over does not open to the key's secret`);
    }
  }

  /** The plaintext of a sealed key's secret, anywhere the model saw: outputs in full, the states as they end, the run's log. */
  #findSealedPlaintexts(sealedKeys: readonly StoredKey[]): string[] {
    if (sealedKeys.length === 0) return [];
    const places = [
      ...this.#texts,
      ...this.#fullOutputs,
      ...this.states.flatMap((state, stack) =>
        state.entries.map((entry) => ({ where: `the state of stack #${stack}`, text: JSON.stringify(entry) })),
      ),
      { where: "the run's log", text: this.log.join("\n") },
    ];
    const found: string[] = [];
    for (const { where, text } of places) {
      for (const { id, secret } of sealedKeys) if (text.includes(secret)) found.push(`${where} holds the plaintext of sealed key ${id}`);
    }
    return found;
  }

  /** A plain key's secret or the token outside a secret; sealed keys' secrets are searched wider, above. */
  #findExposures(sealed: ReadonlySet<StoredKey>): string[] {
    const secrets = [
      this.token,
      ...this.flashback
        .everyKey()
        .filter((key) => !sealed.has(key))
        .map((key) => key.secret),
    ];
    const found: string[] = [];
    for (const { where, text } of this.#texts) {
      for (const secret of secrets)
        if (text.includes(secret)) found.push(`${where} holds a ${secret === this.token ? "token" : "key's secret"}`);
    }
    return found;
  }
}

/** A key somebody renamed in the console into a reservation's shape: whoever did handed it to the sweep. */
function renamedByHandIntoReservation(key: StoredKey): boolean {
  const last = key.renames[key.renames.length - 1];
  return last?.by === "console" && isReservationShaped(key.name);
}

/**
 * A state's own delete of a key: its delete step (a replace's included), or the create that made
 * the key cleaning up what it could not hand over whole (a partial resource whose delete's answer was lost).
 */
function isOwnDelete(tag: unknown, stack: number, key: StoredKey | undefined, keyId: string): boolean {
  if (!isStepTag(tag) || tag.stack !== stack) return false;
  return (tag.kind === "delete" && tag.targetId === keyId) || (tag.kind === "create" && key?.createdBy === tag);
}

export function describeTag(tag: unknown): string {
  if (!isStepTag(tag)) return String(tag ?? "nobody known");
  const target = tag.targetId === undefined ? "" : ` of ${tag.targetId}`;
  return `${tag.deployment.id} (stack #${tag.stack}) ${tag.kind}${target} for ${tag.urn.split("::").pop()}`;
}
