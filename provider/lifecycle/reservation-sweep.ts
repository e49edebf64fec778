import type { FlashbackClient } from "../client/flashback-client";
import { isAbandoned } from "./reservation";

/**
 * Removes what interrupted creates left: keys still under a reservation name whose create can no
 * longer act on them (reservation.ts, `isAbandoned`), made by a process that died, was killed or
 * gave up before it could hand the key over. Their secret is lost, no state holds them, and no
 * human uses them (nobody ever saw their secret).
 *
 * Safe whoever else writes to the repository at the same time: a reservation is deleted only once
 * Flashback's own clock proves its create over, so a key that any engine has been handed, or is
 * about to be, is never touched. Younger leftovers wait for a later deployment.
 *
 * It runs once per repository and process, before the first write there, in a provider that serves
 * a deployment (it knows its stack); a preview writes nothing and so sweeps nothing. A failed sweep
 * does not fail the write that waited for it: it is tried again before the next write, which is
 * safe for the same reason.
 */
export class ReservationSweep {
  readonly #swept = new Map<string, Promise<void>>();

  constructor(private readonly client: () => FlashbackClient) {}

  async beforeWrite(repoId: string): Promise<void> {
    let sweep = this.#swept.get(repoId);
    if (sweep === undefined) {
      sweep = this.#sweep(repoId).catch(() => {
        this.#swept.delete(repoId);
      });
      this.#swept.set(repoId, sweep);
    }
    await sweep;
  }

  async #sweep(repoId: string): Promise<void> {
    const client = this.client();
    const listing = await client.listApiKeys(repoId);
    for (const key of listing?.keys ?? []) {
      if (isAbandoned(key, listing?.listedAt)) await client.deleteApiKey(repoId, key.id);
    }
  }
}
