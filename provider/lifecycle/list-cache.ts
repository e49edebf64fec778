import type { ApiKeyListing } from "../client/flashback-client";

/**
 * How long one listing of a repository's keys answers the reads of a refresh. A `pulumi refresh`
 * of 200 keys in one repository then costs a handful of list calls instead of 200, which matters
 * under Flashback's gateway limit of 10 requests a second. Short, because refresh is a snapshot
 * and a listing older than this would hide changes made meanwhile.
 */
export const LIST_REUSE_MS = 2_000;

type Listing = ApiKeyListing | undefined;

/**
 * Shares the listing of a repository between concurrent and closely following reads. Every write
 * this process makes to a repository drops its listing, so a read never misses this process's own
 * changes. Failures are not kept.
 */
export class ListCache {
  readonly #entries = new Map<string, { listing: Promise<Listing>; startedAt: number }>();

  constructor(private readonly now: () => number) {}

  get(repoId: string, load: () => Promise<Listing>): Promise<Listing> {
    const entry = this.#entries.get(repoId);
    if (entry && this.now() - entry.startedAt < LIST_REUSE_MS) return entry.listing;
    const listing = load();
    const fresh = { listing, startedAt: this.now() };
    this.#entries.set(repoId, fresh);
    listing.catch(() => {
      if (this.#entries.get(repoId) === fresh) this.#entries.delete(repoId);
    });
    return listing;
  }

  invalidate(repoId: string): void {
    this.#entries.delete(repoId);
  }
}
