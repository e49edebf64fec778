import type { Clock } from "../../provider/client/clock";
import { CancelledError } from "../../provider/errors/cancelled-error";

/**
 * A clock whose waits take no time: each `sleep` is recorded and moves the clock on at once, so a
 * test sees exactly which waits the code chose, and the deadlines they run into, without waiting.
 */
export function virtualClock(): { clock: Clock; sleeps: number[] } {
  const sleeps: number[] = [];
  let advanced = 0;
  const clock: Clock = {
    now: () => Date.now() + advanced,
    monotonic: () => performance.now() + advanced,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError();
      sleeps.push(ms);
      advanced += ms;
    },
  };
  return { clock, sleeps };
}

/**
 * A clock whose waits never end by themselves, only by a cancellation: code that waits on it and
 * is not reached by the cancellation hangs, and the test fails.
 */
export function stalledClock(): { clock: Clock; waiting: () => number } {
  let waiting = 0;
  const clock: Clock = {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    sleep: (_ms, signal) =>
      new Promise((_resolve, reject) => {
        waiting += 1;
        // As the Clock promises: a wait begun after the cancellation ends at once.
        if (signal?.aborted) return reject(new CancelledError());
        signal?.addEventListener("abort", () => reject(new CancelledError()), { once: true });
      }),
  };
  return { clock, waiting: () => waiting };
}

/**
 * A clock that stands still until the test moves it: waits end only when `advance` passes their
 * end (or a cancellation), so a test sees what happens while a wait is in force.
 */
export function manualClock(): { clock: Clock; advance(ms: number): void; waiting(): number } {
  let elapsed = 0;
  const started = Date.now();
  const timers = new Set<{ at: number; resolve: () => void }>();
  const clock: Clock = {
    now: () => started + elapsed,
    monotonic: () => elapsed,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new CancelledError());
        const timer = { at: elapsed + ms, resolve };
        timers.add(timer);
        signal?.addEventListener("abort", () => timers.delete(timer) && reject(new CancelledError()), { once: true });
      }),
  };
  return {
    clock,
    advance(ms: number) {
      elapsed += ms;
      for (const timer of [...timers].filter((candidate) => candidate.at <= elapsed)) {
        timers.delete(timer);
        timer.resolve();
      }
    },
    waiting: () => timers.size,
  };
}
