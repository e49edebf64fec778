/**
 * The `jti`s of tokens already accepted, each kept until its token expires: ESC sends a new token
 * for every request, retries included, so a `jti` seen twice is a replay. Per process, as the
 * docs say of an adapter on Lambda: a replay reaching another instance is bounded by `exp`.
 */
export class ReplayCache {
  readonly #seen = new Map<string, number>();

  /** Records `jti` until `expiresAtMs`; false when it was already there. */
  accept(jti: string, expiresAtMs: number, now: number): boolean {
    for (const [seen, until] of this.#seen) if (until <= now) this.#seen.delete(seen);
    if (this.#seen.has(jti)) return false;
    this.#seen.set(jti, expiresAtMs);
    return true;
  }
}
