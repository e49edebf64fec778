import type { ArgsOf, Definition } from "./property";
import { ROTATION_SCHEDULE_TOKEN } from "./tokens";

/** A hundred years: far beyond any key's life, and keeps every date inside what `Date` can write. */
export const MAX_EVERY_DAYS = 36_525;

/** `RotationSchedule`: outputs known at preview, updated in place, never replaced; its rule is schedule/rotation-schedule.ts. */
export const ROTATION_SCHEDULE = {
  token: ROTATION_SCHEDULE_TOKEN,
  description:
    "A rotation number that goes up by exactly one at the first deployment after each period, with nobody raising it, and never more than one per deployment: " +
    "feed `rotation` to a rotating key. It stores when it last stepped; it calls nobody.",
  inputs: {
    /**
     * The period, in days: greater than 0 and at most 36525; fractions allowed. Changing it steps
     * nothing by itself.
     */
    everyDays: {
      type: "number",
      required: true,
      onChange: "update",
      description: `The period, in days: greater than 0 and at most ${MAX_EVERY_DAYS}; fractions allowed. Changing it steps nothing by itself.`,
    },
    /**
     * Optional: a whole number of at least 0 you may still raise by hand. The schedule starts at
     * it; a deployment that sees it higher than the last one did steps once.
     */
    rotation: {
      type: "integer",
      onChange: "update",
      description:
        "Optional: a whole number of at least 0 you may still raise by hand. The schedule starts at it; a deployment that sees it higher than the last one did steps once.",
    },
  },
  outputs: {
    rotation: {
      type: "integer",
      required: true,
      description: "The rotation number: starts at the input rotation or 0, and goes up by one per step.",
    },
    rotatedAt: { type: "string", required: true, description: "When the last step was taken (or the schedule made), ISO 8601 in UTC." },
    nextRotationAfter: {
      type: "string",
      required: true,
      description: "rotatedAt plus one period: the first deployment from then on steps.",
    },
    seenCounter: { type: "integer", description: "The input rotation as the last deployment saw it; absent when none is given." },
  },
} as const satisfies Definition;

/** The inputs of a `RotationSchedule`, as a program gives them; described in ROTATION_SCHEDULE. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RotationScheduleArgs extends ArgsOf<typeof ROTATION_SCHEDULE.inputs> {}
