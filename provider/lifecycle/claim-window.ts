import { HTTP_DATE_RESOLUTION_MS } from "../client/flashback-time";
import type { Clock, Deadline } from "../client/clock";

/**
 * Whether a create may still hand its key over, by every clock that can tell. The deadline runs on
 * the monotonic clock, which stops while a laptop sleeps or a VM is paused; another deployment's
 * sweep judges on Flashback's clock, which does not. So a claim counts only when the wall clock and
 * Flashback's own `Date` headers (the create's answer against the claim's) also say it landed within
 * the reservation's lifetime: a create suspended past it is never handed over, since the sweep may
 * by then have taken its reservation for abandoned.
 */
export class ClaimWindow {
  readonly #wallStart: number;
  #createAnsweredAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly deadline: Deadline,
    private readonly lifetimeMs: number,
  ) {
    this.#wallStart = clock.now();
  }

  /** The `Date` of the answer to this attempt's `POST`, on Flashback's clock. */
  createAnswered(answeredAt: number | undefined): void {
    this.#createAnsweredAt = answeredAt;
  }

  /** Whether time is still left to claim, by the deadline and the wall clock. */
  get open(): boolean {
    return !this.deadline.expired && this.clock.now() - this.#wallStart < this.lifetimeMs;
  }

  /** Whether a claim that Flashback answered at `claimAnsweredAt` (its `Date`) landed in time by every clock. */
  landedInTime(claimAnsweredAt: number | undefined): boolean {
    if (!this.open) return false;
    if (this.#createAnsweredAt === undefined || claimAnsweredAt === undefined) return true;
    return claimAnsweredAt + HTTP_DATE_RESOLUTION_MS - this.#createAnsweredAt < this.lifetimeMs;
  }
}
