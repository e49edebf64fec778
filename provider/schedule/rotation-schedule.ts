import type { InputFailure } from "../errors/input-error";
import { MAX_EVERY_DAYS } from "../definitions/rotation-schedule";
import { UNKNOWN_VALUE } from "../engine/unknown-value";
import { describeType } from "../utils/describe-type";
import { DAY_MS } from "../utils/time-units";

/*
 * The rule of a RotationSchedule, one for both fronts: at each deployment the rotation number goes
 * up by exactly one when a period has passed since the last step or the hand counter went up, and
 * otherwise stays. Like Terraform's time_rotating it keeps its own start (`rotatedAt`), so a stack
 * left undeployed for many periods, or a period changed, moves one step, never two: a jump of two
 * would replace both keys of a RotatingRepoApiKey at once and lose the overlap.
 */

/** What a schedule stores: its checked inputs and its outputs are the same record. */
export interface ScheduleState {
  /** The period, in days; fractions allowed. */
  everyDays: number;
  /** The rotation number: a whole number of at least 0 that goes up by one per step. */
  rotation: number;
  /** When the last step was taken (or the schedule made), ISO 8601 in UTC. */
  rotatedAt: string;
  /** `rotatedAt` plus one period: the first deployment from then on steps. */
  nextRotationAfter: string;
  /** The hand counter (the input `rotation`) as last seen: a rise of it steps once. Absent when none was given. */
  seenCounter?: number;
}

/** What the user asks for: the inputs of a RotationSchedule, once valid. */
export interface ScheduleWanted {
  everyDays: number;
  /** The hand counter, if any. */
  counter?: number;
}

/** Every field a schedule stores, in the order the fronts write them. */
export const SCHEDULE_FIELDS = ["everyDays", "rotation", "rotatedAt", "nextRotationAfter", "seenCounter"] as const;

export interface CheckedSchedule {
  /** The state to store: the user's inputs with the rule applied; unknown (preview) where an input is. */
  inputs: Record<string, unknown>;
  failures: InputFailure[];
}

/**
 * The engine's Check: validates the user's inputs (each failure names its field) and applies the
 * rule against the stored state `olds`, at `nowMs`. Preview and update both run it, so a preview
 * shows the step an update would take.
 */
export function checkSchedule(olds: Record<string, unknown>, news: Record<string, unknown>, nowMs: number): CheckedSchedule {
  const failures = [...everyDaysFailures(news.everyDays), ...counterFailures(news.rotation)];
  if (failures.length > 0) return { inputs: definedFields({ everyDays: news.everyDays, rotation: news.rotation }), failures };
  if (news.everyDays === UNKNOWN_VALUE || news.rotation === UNKNOWN_VALUE) {
    // A step depends on both: until they are known, so are the outputs not.
    return {
      inputs: { everyDays: news.everyDays, rotation: UNKNOWN_VALUE, rotatedAt: UNKNOWN_VALUE, nextRotationAfter: UNKNOWN_VALUE },
      failures: [],
    };
  }
  const wanted: ScheduleWanted = { everyDays: news.everyDays as number, counter: news.rotation as number | undefined };
  return { inputs: definedFields({ ...stepSchedule(storedSchedule(olds), wanted, nowMs) }), failures: [] };
}

/**
 * The rule itself: a new schedule starts at the counter (or 0) now; a stored one steps by one when
 * due, taking `nowMs` as its new start, and otherwise keeps its number and start (brought back to
 * now if it lies in the future).
 */
export function stepSchedule(previous: ScheduleState | undefined, wanted: ScheduleWanted, nowMs: number): ScheduleState {
  if (previous === undefined) return scheduleAt(wanted.counter ?? 0, nowMs, wanted);
  if (isDue(previous, wanted, nowMs)) return scheduleAt(previous.rotation + 1, nowMs, wanted);
  // A start in the future (a clock that ran ahead, FLASHBACK_TEST_NOW left set once) would hold every
  // step back until then: it comes back to now, without a step.
  return scheduleAt(previous.rotation, Math.min(Date.parse(previous.rotatedAt), nowMs), wanted);
}

/** Due when a whole period has passed since the last step, or the counter rose (a missing counter counts as 0). */
export function isDue(previous: ScheduleState, wanted: ScheduleWanted, nowMs: number): boolean {
  const periodPassed = nowMs - Date.parse(previous.rotatedAt) >= periodMs(wanted.everyDays);
  const counterRose = (wanted.counter ?? 0) > (previous.seenCounter ?? 0);
  return periodPassed || counterRose;
}

/** A period in whole milliseconds, the unit of the stored times: so `nextRotationAfter` is exactly when a step is due. */
export function periodMs(everyDays: number): number {
  return Math.ceil(everyDays * DAY_MS);
}

function scheduleAt(rotation: number, rotatedAtMs: number, wanted: ScheduleWanted): ScheduleState {
  return {
    everyDays: wanted.everyDays,
    rotation,
    rotatedAt: new Date(rotatedAtMs).toISOString(),
    nextRotationAfter: new Date(rotatedAtMs + periodMs(wanted.everyDays)).toISOString(),
    ...(wanted.counter === undefined ? {} : { seenCounter: wanted.counter }),
  };
}

/** The stored state, or undefined when there is none yet (a create) or it is not a schedule's. */
export function storedSchedule(olds: Record<string, unknown>): ScheduleState | undefined {
  const { rotation, rotatedAt, seenCounter } = olds;
  if (!isCounter(rotation) || typeof rotatedAt !== "string" || Number.isNaN(Date.parse(rotatedAt))) return undefined;
  return {
    everyDays: olds.everyDays as number,
    rotation,
    rotatedAt,
    nextRotationAfter: String(olds.nextRotationAfter),
    ...(isCounter(seenCounter) ? { seenCounter } : {}),
  };
}

/** The fields whose stored value differs from the new one: an update in place, never a replacement. */
export function changedScheduleFields(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return SCHEDULE_FIELDS.filter((field) => news[field] === UNKNOWN_VALUE || olds[field] !== news[field]);
}

/** Only a schedule's own fields, each that holds a value: what the fronts hand back as outputs. */
export function scheduleFields(props: Record<string, unknown>): Record<string, unknown> {
  return definedFields(Object.fromEntries(SCHEDULE_FIELDS.map((field) => [field, props[field]])));
}

function everyDaysFailures(value: unknown): InputFailure[] {
  if (value === UNKNOWN_VALUE) return [];
  const allowed = `a number of days greater than 0 and at most ${MAX_EVERY_DAYS} (fractions allowed)`;
  if (value === undefined || value === null) return [{ property: "everyDays", reason: `everyDays is required: give ${allowed}` }];
  if (typeof value !== "number") return [{ property: "everyDays", reason: `everyDays must be ${allowed}; got ${describeType(value)}` }];
  if (!(value > 0 && value <= MAX_EVERY_DAYS)) return [{ property: "everyDays", reason: `everyDays must be ${allowed}; got ${value}` }];
  return [];
}

function counterFailures(value: unknown): InputFailure[] {
  if (value === undefined || value === null || value === UNKNOWN_VALUE || isCounter(value)) return [];
  const got = typeof value === "number" ? String(value) : describeType(value);
  return [{ property: "rotation", reason: `rotation must be a whole number of at least 0, or left out; got ${got}` }];
}

function isCounter(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** A Struct holds no `undefined`, and the dynamic host cannot serialize it. */
function definedFields(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined && value !== null));
}
