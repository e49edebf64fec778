/**
 * One gate per provider process, shared by every request: it caps requests in flight and, after a
 * 429, holds every request back until Flashback said it may be tried again. So one rate-limited
 * answer slows the whole deployment instead of letting the other calls run into the same wall.
 */
export class RequestGate {
  readonly #maxInFlight: number;
  readonly #waiting: Array<() => void> = [];
  #inFlight = 0;
  #pausedUntil = 0;

  constructor(maxInFlight: number) {
    this.#maxInFlight = maxInFlight;
  }

  /** Runs `task` once a slot is free and no pause is in force. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      await this.#waitForPause();
      return await task();
    } finally {
      this.#release();
    }
  }

  /** Holds every request not yet sent for `delayMs` from now (a longer pause already in force stays). */
  pause(delayMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + delayMs);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async #waitForPause(): Promise<void> {
    for (let wait = this.#pausedUntil - Date.now(); wait > 0; wait = this.#pausedUntil - Date.now()) {
      await sleep(wait);
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
