import { randomUUID } from "node:crypto";
import { checkSchedule, changedScheduleFields, type CheckedSchedule } from "./rotation-schedule";
import { readScheduleNow, type ScheduleNow } from "./schedule-now";

export interface ScheduleLifecycleOptions {
  /** Where now comes from; the clock, or FLASHBACK_TEST_NOW of the process's environment, by default. */
  now?: () => ScheduleNow;
  /** Where warnings for the user go (each front passes the engine's log). */
  warn?: (message: string) => void;
}

/**
 * What both fronts of a RotationSchedule run: the rule at Check, a field-by-field Diff, an id. It
 * calls nobody, so it needs neither the access token nor the client.
 */
export class ScheduleLifecycle {
  readonly #now: () => ScheduleNow;
  #warn: (message: string) => void;

  constructor(options: ScheduleLifecycleOptions = {}) {
    this.#now = options.now ?? (() => readScheduleNow());
    this.#warn = options.warn ?? (() => undefined);
  }

  /** Where warnings go from now on: the plugin passes its engine's log. */
  sendWarningsTo(warn: (message: string) => void): void {
    this.#warn = warn;
  }

  check(olds: Record<string, unknown>, news: Record<string, unknown>): CheckedSchedule {
    const now = this.#now();
    if (now.warning !== undefined) this.#warn(now.warning);
    return checkSchedule(olds, news, now.ms);
  }

  /** The stored state against the checked one: what changed, all of it in place. */
  diff(olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; updates: string[] } {
    const updates = changedScheduleFields(olds, news);
    return { changes: updates.length > 0, updates };
  }

  /** A schedule has no counterpart anywhere: its id only names it in the state. */
  newId(): string {
    return `schedule-${randomUUID()}`;
  }
}
