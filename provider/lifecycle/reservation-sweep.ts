import type { FlashbackClient } from "../client/flashback-client";
import { isReservationOf } from "./reservation";

/**
 * Removes what an interrupted deployment of this stack left: keys still under one of the stack's
 * reservation names, made by a create whose process died before it could hand the key over. Their
 * secret is lost, no state holds them, and no human uses them (nobody ever saw their secret).
 *
 * Safe because one deployment of a stack runs at a time (the backend's lock): every reservation of
 * this stack that is not one of this process's creates in flight belongs to a process that is gone.
 * It runs once per repository and process, before the first write there; a preview writes nothing
 * and so sweeps nothing.
 */
export class ReservationSweep {
  readonly #swept = new Map<string, Promise<void>>();

  constructor(
    private readonly client: () => FlashbackClient,
    /** The stack's scope; undefined when the provider serves no known stack, and then there is nothing to sweep. */
    private readonly scope: () => string | undefined,
    private readonly inFlight: ReadonlySet<string>,
  ) {}

  /**
   * Waits for the repository's sweep. A failed sweep does not fail the write that waited for it:
   * it is tried again before the next write, and the leftovers stay harmless until then.
   */
  async beforeWrite(repoId: string): Promise<void> {
    const scope = this.scope();
    if (scope === undefined) return;
    let sweep = this.#swept.get(repoId);
    if (sweep === undefined) {
      sweep = this.#sweep(repoId, scope).catch(() => {
        this.#swept.delete(repoId);
      });
      this.#swept.set(repoId, sweep);
    }
    await sweep;
  }

  async #sweep(repoId: string, scope: string): Promise<void> {
    const client = this.client();
    const listed = (await client.listApiKeys(repoId)) ?? [];
    for (const key of listed) {
      if (!isReservationOf(key.name, scope) || this.inFlight.has(key.name)) continue;
      await client.deleteApiKey(repoId, key.id);
    }
  }
}
