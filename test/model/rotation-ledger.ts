import type { RotationMove, RotationObservation, RotationWorld, RotationWorldFactory } from "./rotation-world";

/*
 * The pair's promise, judged on what a `RotationWorld` did:
 * - overlap kept: a deployment deletes a key only once a newer key has been `current` at the end
 *   of an earlier deployment, or when the user asked for a revocation; never both keys of the pair
 *   in one deployment unless asked;
 * - a leaked key no longer works once the documented number of deployments after the report have run to their end;
 * - a preview makes and deletes nothing (counted with the overlaps: it would break one unasked).
 */

export interface RotationCounts {
  /** Deployments that handed consumers a new `current` key. */
  rotations: number;
  overlapsBroken: number;
  leakedLeftValid: number;
}

export class RotationLedger {
  readonly #findings: string[] = [];
  /** Keys in the order they were made, and those that were `current` at the end of a deployment. */
  readonly #made: string[] = [];
  readonly #currentAtEnd = new Set<string>();
  readonly #leaks: Array<{ key: string; deploymentsLeft: number }> = [];
  #rotations = 0;
  #overlapsBroken = 0;
  #leakedLeftValid = 0;
  #deployments = 0;

  constructor(private readonly revokedWithinDeployments: number) {}

  /** A leak reported now, of the key the pair holds in that slot. */
  leaked(key: string | undefined): void {
    if (key !== undefined) this.#leaks.push({ key, deploymentsLeft: this.revokedWithinDeployments });
  }

  /** A preview writes nothing: no key made, none deleted. */
  previewed(observed: RotationObservation): void {
    if (observed.created.length + observed.deleted.length > 0)
      this.#brokeOverlap(`a preview made or deleted keys (${[...observed.created, ...observed.deleted].join(", ")})`);
  }

  /** A deployment's observation; `valid` lists the component's keys that still work once it is done. */
  deployed(observed: RotationObservation, valid: readonly string[]): void {
    this.#deployments += 1;
    const where = `deployment ${this.#deployments}`;
    const { before, after } = observed;
    // A key first seen in the pair was made before it was seen: before the keys this deployment made.
    const seen = [before.previous, before.current, after.previous, after.current].filter((key): key is string => key !== undefined);
    for (const key of [...seen.filter((key) => !observed.created.includes(key)), ...observed.created])
      if (!this.#made.includes(key)) this.#made.push(key);
    if (!observed.revocationAsked) {
      for (const key of observed.deleted) {
        if (!this.#supersededEarlier(key)) this.#brokeOverlap(`${where} deleted ${key} before a newer key had been current`);
      }
      const both = [before.current, before.previous].filter((key): key is string => key !== undefined);
      if (both.length === 2 && both.every((key) => observed.deleted.includes(key)))
        this.#brokeOverlap(`${where} deleted both keys of the pair`);
    }
    if (after.current !== undefined && after.current !== before.current && before.current !== undefined) this.#rotations += 1;
    if (observed.completed && after.current !== undefined) this.#currentAtEnd.add(after.current);
    // The runbook's deployments are those that run to their end: a failed or killed one revokes nothing yet.
    for (const leak of observed.completed ? [...this.#leaks] : []) {
      leak.deploymentsLeft -= 1;
      if (leak.deploymentsLeft > 0) continue;
      this.#leaks.splice(this.#leaks.indexOf(leak), 1);
      if (valid.includes(leak.key)) {
        this.#leakedLeftValid += 1;
        this.#findings.push(
          `leaked key left valid: ${leak.key} still works ${this.revokedWithinDeployments} deployments after its leak was reported`,
        );
      }
    }
  }

  get deployments(): number {
    return this.#deployments;
  }

  counts(): RotationCounts {
    return { rotations: this.#rotations, overlapsBroken: this.#overlapsBroken, leakedLeftValid: this.#leakedLeftValid };
  }

  findings(): string[] {
    return [...this.#findings];
  }

  /** A key made after `key` was `current` at the end of an earlier deployment. */
  #supersededEarlier(key: string): boolean {
    const made = this.#made.indexOf(key);
    return this.#made.some((other, index) => index > made && made >= 0 && this.#currentAtEnd.has(other));
  }

  #brokeOverlap(finding: string): void {
    this.#overlapsBroken += 1;
    this.#findings.push(`overlap broken: ${finding}`);
  }
}

/** One stack's story through a rotation world: each move applied, each deployment judged, and deployments enough at the end for every promised revocation. */
export async function runRotationStory(
  factory: RotationWorldFactory,
  moves: readonly RotationMove[],
): Promise<{ counts: RotationCounts; findings: string[]; deployments: number }> {
  const world: RotationWorld = await factory.start();
  const ledger = new RotationLedger(factory.revokedWithinDeployments);
  let pair = { current: undefined as string | undefined, previous: undefined as string | undefined };
  const closing: RotationMove[] = Array.from({ length: factory.revokedWithinDeployments }, () => ({ kind: "deploy", preview: false }));
  for (const move of [{ kind: "deploy", preview: false } as const, ...moves, ...closing]) {
    if (move.kind === "leak") ledger.leaked(pair[move.which]);
    const observed = await world.apply(move);
    if (observed === undefined) continue;
    if (move.kind === "deploy" && move.preview) {
      ledger.previewed(observed);
      continue;
    }
    ledger.deployed(observed, await world.validKeys());
    pair = observed.after;
  }
  return { counts: ledger.counts(), findings: ledger.findings(), deployments: ledger.deployments };
}
