/** One resource in a stack's checkpoint: what the Pulumi engine writes after a step succeeds. */
export interface Held {
  urn: string;
  id: string;
  outputs: Record<string, unknown>;
  /** Replaced (create-before-delete) and not deleted yet: the next `up` or `destroy` deletes it. */
  condemned: boolean;
  /**
   * Recorded from a create that said it could not hand the key over whole (a `PartialKeyError`):
   * nobody can use it, so whoever deletes it takes nothing. Known by how the key came, not by its
   * outputs: a sealed key's `secret` is empty too, and one handed over without its ciphertext is a loss.
   */
  partial: boolean;
}

/**
 * What a stack's backend keeps between commands: urn -> id and outputs. Pending operations are not
 * kept: the README's recovery clears pending creates, and pending updates and deletes leave the
 * resource as it was checkpointed, which is what this holds.
 */
export class StackState {
  readonly entries: Held[] = [];

  live(urn: string): Held | undefined {
    return this.entries.find((entry) => entry.urn === urn && !entry.condemned);
  }

  holds(id: string): boolean {
    return this.entries.some((entry) => entry.id === id);
  }

  /** Holds it handed over (not partial): a key somebody may be using. */
  holdsHandedOver(id: string): boolean {
    return this.entries.some((entry) => entry.id === id && !entry.partial);
  }

  put(urn: string, id: string, outputs: Record<string, unknown>, partial = false): void {
    const current = this.live(urn);
    if (current === undefined) this.entries.push({ urn, id, outputs, condemned: false, partial });
    else Object.assign(current, { id, outputs, partial });
  }

  /** A replacement was created: the old one stays, condemned, until its delete is checkpointed. */
  replace(urn: string, id: string, outputs: Record<string, unknown>, partial = false): void {
    const old = this.live(urn);
    if (old !== undefined) old.condemned = true;
    this.entries.push({ urn, id, outputs, condemned: false, partial });
  }

  remove(id: string): void {
    const index = this.entries.findIndex((entry) => entry.id === id);
    if (index >= 0) this.entries.splice(index, 1);
  }
}
