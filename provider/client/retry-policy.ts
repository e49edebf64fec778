/**
 * When a failed request is tried again, and after how long. Pure: the clock and the randomness are
 * arguments, so that tests pin them and never sleep.
 */

/** Statuses that say "try again later" without saying the request was refused for good. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export const BACKOFF = {
  /** First delay before jitter; each retry doubles it. */
  baseMs: 250,
  /** No single wait is longer than this, whatever the attempt count. */
  capMs: 8_000,
} as const;

/** What came back from one attempt, reduced to what the policy needs. */
export type AttemptOutcome =
  | { kind: "status"; status: number; retryAfter?: string | undefined }
  /** No answer. `sent` is false only when the request certainly never reached Flashback (refused, not resolved). */
  | { kind: "network"; sent: boolean };

export interface RetryContext {
  /** Whether repeating the request is harmless (GET, PUT, DELETE): POST creates a key each time it lands. */
  idempotent: boolean;
  /** Retries already made for this request (0 after the first attempt), 429s aside. */
  retries: number;
  /** 429s answered to this request so far, the one being judged included. */
  rateLimited: number;
  maxRetries: number;
  /** Milliseconds left before the operation's deadline. */
  remainingMs: number;
  /** Epoch milliseconds, for `Retry-After` dates. */
  now: number;
  /** A number in [0, 1): the jitter. */
  random: number;
}

/**
 * Milliseconds to wait before trying again, or `undefined` not to retry.
 *
 * - 429 is retried for every method: Flashback refused the request without acting on it. It does
 *   not count against `maxRetries` (the deadline bounds it), because a shared rate limit can take
 *   many rounds to drain a large deployment. It waits as long as `Retry-After` says, else backs
 *   off exponentially on the 429s of this request, so an unspecific limit is not hammered.
 * - A request that never left is retried for every method.
 * - Other retryable statuses and lost answers are retried only for idempotent requests: a POST
 *   whose answer was lost may have created a key, which the caller must reconcile first.
 */
export function computeRetryDelay(outcome: AttemptOutcome, context: RetryContext): number | undefined {
  const rateLimited = outcome.kind === "status" && outcome.status === 429;
  if (!rateLimited && context.retries >= context.maxRetries) return undefined;
  if (!isRetryable(outcome, context.idempotent)) return undefined;
  const backoff = jitteredBackoff(rateLimited ? Math.max(0, context.rateLimited - 1) : context.retries, context.random);
  const requested = outcome.kind === "status" ? parseRetryAfter(outcome.retryAfter, context.now) : undefined;
  const delay = requested ?? backoff;
  return delay < context.remainingMs ? delay : undefined;
}

export function isRetryable(outcome: AttemptOutcome, idempotent: boolean): boolean {
  if (outcome.kind === "network") return idempotent || !outcome.sent;
  if (outcome.status === 429) return true;
  return idempotent && RETRYABLE_STATUSES.has(outcome.status);
}

/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries spread out but never collapse to zero. */
export function jitteredBackoff(retries: number, random: number): number {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** retries);
  return ceiling / 2 + (ceiling / 2) * random;
}

/** `Retry-After` as milliseconds from `now`: delta-seconds (fractions accepted) or an HTTP date. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
