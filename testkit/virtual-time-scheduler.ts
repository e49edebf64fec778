import type { Clock } from "../provider/client/clock";
import { CancelledError } from "../provider/errors/cancelled-error";

/*
 * A deterministic scheduler on virtual time, for models that drive real async code. Every point
 * where the order of events matters (a request reaching Flashback, its answer coming back, a step
 * reaching the provider, a kill) is a step that waits until the scheduler picks it; which ready
 * step goes next, and how much time passes first, comes from a list of choices a generator made.
 * When the list runs out, steps go first come, first served, and no time passes: so a generator
 * that shrinks the list shrinks towards the plainest order. (fast-check's own `fc.scheduler()`
 * chooses from a random stream it does not shrink.) Nothing waits real time.
 */

/** One decision: which of the ready steps runs (modulo their number), and how long before it. */
export interface SchedulerChoice {
  pick: number;
  advanceMs: number;
}

interface Step {
  label: string;
  owner: string;
  run: () => void;
}

interface Timer {
  owner: string;
  machine: Machine;
  /** On the machine's monotonic clock. */
  dueMs: number;
  fire: () => void;
}

/**
 * A computer: its wall clock runs `skewMs` ahead of the scheduler's time (Flashback's), and its
 * monotonic clock stops while it sleeps (a laptop lid, a paused VM), as Node's timers and
 * `performance.now()` do.
 */
export class Machine {
  pausedMs = 0;

  constructor(
    readonly name: string,
    readonly skewMs: number,
  ) {}
}

/** Gives up on a run that never settles: an endless retry loop is a finding, not a hang. */
const MAX_STEPS = 20_000;

export class VirtualTimeScheduler {
  #now: number;
  readonly #ready: Step[] = [];
  readonly #timers = new Set<Timer>();
  readonly #armed: Array<{ remaining: number; owners: string; label: string; action: () => void }> = [];
  readonly #choices: readonly SchedulerChoice[];
  #taken = 0;
  #steps = 0;
  /** Every step as it ran: `+<ms since start> <label>`; the story of a failing run. */
  readonly log: string[] = [];
  readonly #startMs: number;

  constructor(startMs: number, choices: readonly SchedulerChoice[]) {
    this.#now = startMs;
    this.#startMs = startMs;
    this.#choices = choices;
  }

  /** The scheduler's time: Flashback's clock. */
  get now(): number {
    return this.#now;
  }

  /** A point where the order matters: resolves once the scheduler picks it. */
  step(label: string, owner: string): Promise<void> {
    return new Promise((resolve) => this.#ready.push({ label, owner, run: resolve }));
  }

  /** Runs `action` when the scheduler picks it. */
  schedule(label: string, owner: string, action: () => void): void {
    this.#ready.push({ label, owner, run: action });
  }

  /**
   * Runs `action` when the scheduler picks it, which it may once `steps` steps of owners starting
   * with `owners` have run: a kill or a sleep aimed at a point of one deployment, which shrinks
   * towards its start.
   */
  scheduleAfter(steps: number, owners: string, label: string, action: () => void): void {
    if (steps <= 0) this.schedule(label, "world", action);
    else this.#armed.push({ remaining: steps, owners, label, action });
  }

  /** Time passes for everybody (a user waiting before the next command). */
  advance(ms: number): void {
    this.#now += ms;
  }

  /** A machine sleeps `ms`: time passes, and the machine's monotonic clock stands still meanwhile. */
  pause(machine: Machine, ms: number): void {
    this.#now += ms;
    machine.pausedMs += ms;
  }

  /** The clock a process on `machine` sees; its sleeps end by virtual time and belong to `owner`. */
  clockFor(owner: string, machine: Machine): Clock {
    const monotonic = (): number => this.#now - machine.pausedMs;
    return {
      now: () => this.#now + machine.skewMs,
      monotonic,
      sleep: (ms, signal) =>
        new Promise<void>((resolve, reject) => {
          if (signal?.aborted) return reject(new CancelledError());
          const timer: Timer = { owner, machine, dueMs: monotonic() + Math.max(0, ms), fire: resolve };
          this.#timers.add(timer);
          signal?.addEventListener(
            "abort",
            () => {
              if (this.#timers.delete(timer)) reject(new CancelledError());
            },
            { once: true },
          );
        }),
    };
  }

  /** Takes out every ready step and timer of `owner` (a killed process): nothing of it runs again. Returns the steps. */
  drop(owner: string): Array<{ label: string; run: () => void }> {
    const dropped = this.#ready.filter((step) => step.owner === owner);
    for (const step of dropped) this.#ready.splice(this.#ready.indexOf(step), 1);
    for (const timer of [...this.#timers]) if (timer.owner === owner) this.#timers.delete(timer);
    return dropped;
  }

  /** Runs steps until none is ready and no timer is pending. */
  async run(): Promise<void> {
    for (;;) {
      await settled();
      this.#promoteDueTimers();
      if (this.#ready.length === 0) {
        const next = this.#nextTimerAt();
        if (next === undefined) return;
        this.#now = Math.max(this.#now, next);
        continue;
      }
      const choice = this.#choices[this.#taken] ?? { pick: 0, advanceMs: 0 };
      this.#taken += 1;
      if (choice.advanceMs > 0) {
        this.#now += choice.advanceMs;
        this.#promoteDueTimers();
      }
      const [step] = this.#ready.splice(choice.pick % this.#ready.length, 1);
      this.log.push(`+${this.#now - this.#startMs}ms ${step!.label}`);
      step!.run();
      this.#countTowardsArmed(step!.owner);
      if (++this.#steps > MAX_STEPS) throw new Error(`the run did not settle within ${MAX_STEPS} steps`);
    }
  }

  #countTowardsArmed(owner: string): void {
    for (const armed of [...this.#armed]) {
      if (!owner.startsWith(armed.owners) || --armed.remaining > 0) continue;
      this.#armed.splice(this.#armed.indexOf(armed), 1);
      this.schedule(armed.label, "world", armed.action);
    }
  }

  #promoteDueTimers(): void {
    for (const timer of [...this.#timers]) {
      if (this.#now - timer.machine.pausedMs >= timer.dueMs) {
        this.#timers.delete(timer);
        this.#ready.push({ label: `${timer.owner}: a wait ends`, owner: timer.owner, run: timer.fire });
      }
    }
  }

  #nextTimerAt(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.#timers) {
      const at = timer.dueMs + timer.machine.pausedMs;
      if (earliest === undefined || at < earliest) earliest = at;
    }
    return earliest;
  }
}

/** Lets every promise continuation that is already due run: a macrotask comes only after the microtask queue is empty. */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
