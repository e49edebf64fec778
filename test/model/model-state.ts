/** One resource in a stack's checkpoint: what the Pulumi engine writes after a step succeeds. */
export interface Held {
  urn: string;
  id: string;
  outputs: Record<string, unknown>;
  /** Replaced (create-before-delete) and not deleted yet: the next `up` or `destroy` deletes it. */
  condemned: boolean;
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

  /** Holds it with its secret: a key somebody may be using. */
  holdsHandedOver(id: string): boolean {
    return this.entries.some((entry) => entry.id === id && !(entry.outputs.secret === "" && entry.outputs.importedWithoutSecret !== true));
  }

  put(urn: string, id: string, outputs: Record<string, unknown>): void {
    const current = this.live(urn);
    if (current === undefined) this.entries.push({ urn, id, outputs, condemned: false });
    else Object.assign(current, { id, outputs });
  }

  /** A replacement was created: the old one stays, condemned, until its delete is checkpointed. */
  replace(urn: string, id: string, outputs: Record<string, unknown>): void {
    const old = this.live(urn);
    if (old !== undefined) old.condemned = true;
    this.entries.push({ urn, id, outputs, condemned: false });
  }

  remove(id: string): void {
    const index = this.entries.findIndex((entry) => entry.id === id);
    if (index >= 0) this.entries.splice(index, 1);
  }
}
