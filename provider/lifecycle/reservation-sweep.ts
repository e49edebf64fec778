import type { FlashbackClient } from "../client/flashback-client";
import { messageOf } from "../errors/message-of";
import { judgeReservation } from "./reservation";

/** How the sweep tells the user what it could not do: once per process, cause and repository, so a deployment of hundreds of keys warns once. */
export type Warn = (message: string) => void;

/**
 * Removes what interrupted creates left: keys still under a reservation name whose create can no
 * longer act on them (reservation.ts, `judgeReservation`), made by a process that died, was killed or
 * gave up before it could hand the key over. Their secret is lost, no state holds them, and no
 * human uses them (nobody ever saw their secret).
 *
 * Safe whoever else writes to the repository at the same time: a reservation is deleted only once
 * Flashback's own clock proves its create over, so a key that any engine has been handed, or is
 * about to be, is never touched. Younger leftovers wait for a later deployment.
 *
 * It runs once per repository and process, before the first write there, in a provider that serves
 * a deployment (it knows its stack); a preview writes nothing and so sweeps nothing. A failed sweep
 * does not fail the write that waited for it: it warns once, and is tried again before the next
 * write, which is safe for the same reason.
 */
export class ReservationSweep {
  readonly #swept = new Map<string, Promise<void>>();
  readonly #warned = new Set<string>();

  constructor(
    private readonly client: () => FlashbackClient,
    private readonly warn: Warn,
  ) {}

  async beforeWrite(repoId: string): Promise<void> {
    let sweep = this.#swept.get(repoId);
    if (sweep === undefined) {
      sweep = this.#sweep(repoId).catch((error: unknown) => {
        this.#swept.delete(repoId);
        this.#warnOnce(
          `failed ${repoId}`,
          `Could not look for keys that interrupted deployments left in repository "${repoId}" (${messageOf(error)}); every later write there tries again`,
        );
      });
      this.#swept.set(repoId, sweep);
    }
    await sweep;
  }

  async #sweep(repoId: string): Promise<void> {
    const client = this.client();
    const listing = await client.listApiKeys(repoId);
    for (const key of listing?.keys ?? []) {
      const verdict = judgeReservation(key, listing?.listedAt);
      if (verdict === "abandoned") await client.deleteApiKey(repoId, key.id);
      if (verdict === "no-proof") this.#warnOnce(`no-proof ${repoId}`, noProof(repoId, listing?.listedAt === undefined));
    }
  }

  #warnOnce(cause: string, message: string): void {
    if (this.#warned.has(cause)) return;
    this.#warned.add(cause);
    this.warn(message);
  }
}

function noProof(repoId: string, noDate: boolean): string {
  const what = noDate ? "its answers carry no HTTP `Date` header in GMT" : "it gives a key's `createdAt` without a time zone (or none)";
  return (
    `Repository "${repoId}" holds keys that interrupted deployments may have left (named pulumi-pending-…), but Flashback's clock cannot prove them abandoned: ${what}. ` +
    "They are left alone, and cannot be swept while Flashback answers so; one older than the lifetime in seconds that ends its name can be deleted by hand"
  );
}
