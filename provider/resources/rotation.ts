import { DAY_MS } from "../utils/time-units";

/**
 * The rotation number for a fixed schedule: how many whole periods of `everyDays` have passed since
 * 1970-01-01 (UTC). It goes up by one at each period's start, so a stack deployed at least once a
 * period rotates on time; feed it to `RotatingRepoApiKey`'s `rotation`.
 */
export function rotationNumber(schedule: { everyDays: number; now?: Date }): number {
  if (!(schedule.everyDays > 0) || !Number.isFinite(schedule.everyDays)) {
    throw new RangeError(`rotationNumber: everyDays must be a number of days greater than 0; got ${schedule.everyDays}`);
  }
  return Math.floor((schedule.now ?? new Date()).getTime() / (schedule.everyDays * DAY_MS));
}

/** Which of the two slots a rotation number lives in. */
export type Slot = "a" | "b";

/**
 * The generation each slot holds at rotation `rotation`: slot a the latest even number, slot b the
 * latest odd one (-1 before the first rotation). Going from n to n + 1 changes exactly one slot:
 * the one holding n - 1, the older key.
 */
export function slotGenerations(rotation: number): Record<Slot, number> {
  const even = rotation % 2 === 0 ? rotation : rotation - 1;
  const odd = rotation % 2 === 1 ? rotation : rotation - 1;
  return { a: even, b: odd };
}

/** The slot that holds the current key at rotation `rotation`. */
export function currentSlot(rotation: number): Slot {
  return rotation % 2 === 0 ? "a" : "b";
}

/** Throws unless `rotation` is a whole number of at least 0. */
export function requireRotation(resourceName: string, rotation: unknown): number {
  if (typeof rotation !== "number" || !Number.isInteger(rotation) || rotation < 0) {
    throw new RangeError(
      `RotatingRepoApiKey "${resourceName}": rotation must be a whole number of at least 0; got ${JSON.stringify(rotation)}`,
    );
  }
  return rotation;
}
