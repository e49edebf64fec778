import { systemClock, type Clock } from "./clock";

/**
 * One gate per provider process, shared by every request: it caps requests in flight and, after a
 * 429, holds every request back until Flashback said it may be tried again. So one rate-limited
 * answer slows the whole deployment instead of letting the other calls run into the same wall.
 */
export class RequestGate {
  readonly #maxInFlight: number;
  readonly #clock: Clock;
  readonly #waiting: Array<() => void> = [];
  #inFlight = 0;
  #pausedUntil = 0;

  constructor(maxInFlight: number, clock: Clock = systemClock) {
    this.#maxInFlight = maxInFlight;
    this.#clock = clock;
  }

  /** Runs `task` once a slot is free and no pause is in force; a cancellation ends the pause's wait at once. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire();
    try {
      await this.#waitForPause(signal);
      return await task();
    } finally {
      this.#release();
    }
  }

  /** Holds every request not yet sent for `delayMs` from now (a longer pause already in force stays). */
  pause(delayMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.monotonic() + delayMs);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async #waitForPause(signal: AbortSignal | undefined): Promise<void> {
    for (let wait = this.#pausedUntil - this.#clock.monotonic(); wait > 0; wait = this.#pausedUntil - this.#clock.monotonic()) {
      await this.#clock.sleep(wait, signal);
    }
  }

  #acquire(): Promise<void> {
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }
}

/** A plain wait on the system clock, for scripts and tests. */
export function sleep(ms: number): Promise<void> {
  return systemClock.sleep(ms);
}
