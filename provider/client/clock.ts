import { CancelledError } from "../errors/cancelled-error";

/**
 * Time as the client, the gate and the create loop see it: one object, so that tests inject a fake
 * one and cancellation ends every wait in one place.
 */
export interface Clock {
  /** Wall-clock epoch milliseconds: for HTTP dates such as `Retry-After`. */
  now(): number;
  /** Milliseconds that only go forward: for deadlines, which a jump of the wall clock must not stretch. */
  monotonic(): number;
  /** Waits `ms`, or rejects with a `CancelledError` at once when `signal` is (or becomes) aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) => abortableSleep(ms, signal),
};

/** A timer that an abort ends at once, so that a cancelled deployment never sits out a backoff. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The moment one operation must be done by, on the monotonic clock. */
export class Deadline {
  readonly #clock: Clock;
  readonly #expiresAt: number;

  constructor(clock: Clock, durationMs: number) {
    this.#clock = clock;
    this.#expiresAt = clock.monotonic() + durationMs;
  }

  remainingMs(): number {
    return this.#expiresAt - this.#clock.monotonic();
  }

  get expired(): boolean {
    return this.remainingMs() <= 0;
  }
}
