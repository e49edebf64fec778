import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE } from "../../provider/lifecycle/check-inputs";
import { MAX_EVERY_DAYS } from "../../provider/definitions/rotation-schedule";
import { changedScheduleFields, checkSchedule, periodMs, stepSchedule } from "../../provider/schedule/rotation-schedule";
import { readScheduleNow, TEST_NOW_ENV } from "../../provider/schedule/schedule-now";
import { DAY_MS } from "../../provider/utils/time-units";
import { ScheduleLifecycle } from "../../provider/schedule/schedule-lifecycle";

const START = Date.parse("2030-01-01T00:00:00Z");

/** One deployment: how long after the one before it, the period then, and the hand counter then. */
interface Deployment {
  afterMs: number;
  everyDays: number;
  counter: number | undefined;
}

const deployment: fc.Arbitrary<Deployment> = fc.record({
  // From the same millisecond to a few years: often less than one period, sometimes many.
  afterMs: fc.oneof(fc.integer({ min: 0, max: 2 * DAY_MS }), fc.integer({ min: 0, max: 1_000 * DAY_MS })),
  everyDays: fc.oneof(fc.constantFrom(1, 7, 30, 90), fc.double({ min: 0.001, max: 400, noNaN: true })),
  counter: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
});

/** The state each deployment stores, as the engine would feed it back to the next Check. */
function deployAll(deployments: Deployment[]): Array<{ stored: Record<string, unknown>; nowMs: number; wanted: Deployment }> {
  let stored: Record<string, unknown> = {};
  let nowMs = START;
  return deployments.map((wanted) => {
    nowMs += wanted.afterMs;
    const checked = checkSchedule(stored, { everyDays: wanted.everyDays, rotation: wanted.counter }, nowMs);
    expect(checked.failures).toEqual([]);
    stored = checked.inputs;
    return { stored, nowMs, wanted };
  });
}

describe("a rotation schedule's rule", () => {
  it("starts at the counter, or 0, with rotatedAt now and the next rotation one period later", () => {
    expect(checkSchedule({}, { everyDays: 30 }, START).inputs).toEqual({
      everyDays: 30,
      rotation: 0,
      rotatedAt: "2030-01-01T00:00:00.000Z",
      nextRotationAfter: "2030-01-31T00:00:00.000Z",
    });
    expect(checkSchedule({}, { everyDays: 1, rotation: 4 }, START).inputs).toMatchObject({ rotation: 4, seenCounter: 4 });
  });

  it("for any sequence of deployments, never moves more than one step, moves whenever due, and otherwise keeps its start", () => {
    fc.assert(
      fc.property(fc.array(deployment, { minLength: 1, maxLength: 30 }), (deployments) => {
        const states = deployAll(deployments);
        for (let index = 1; index < states.length; index += 1) {
          const before = states[index - 1]!.stored;
          const { stored, nowMs, wanted } = states[index]!;
          const due =
            nowMs >= Date.parse(before.rotatedAt as string) + periodMs(wanted.everyDays) ||
            (wanted.counter ?? 0) > ((before.seenCounter as number | undefined) ?? 0);
          expect(stored.rotation).toBe((before.rotation as number) + (due ? 1 : 0));
          expect(stored.rotatedAt).toBe(due ? new Date(nowMs).toISOString() : before.rotatedAt);
          expect(Number.isInteger(stored.rotation) && (stored.rotation as number) >= 0).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("steps at nextRotationAfter exactly, not a millisecond before, for any period", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.0001, max: MAX_EVERY_DAYS, noNaN: true }), (everyDays) => {
        const first = checkSchedule({}, { everyDays }, START).inputs;
        const next = Date.parse(first.nextRotationAfter as string);
        expect(checkSchedule(first, { everyDays }, next - 1).inputs.rotation).toBe(0);
        expect(checkSchedule(first, { everyDays }, next).inputs.rotation).toBe(1);
      }),
    );
  });

  it("a stack left alone for ten periods, or a period cut from 30 days to 1, steps once, not ten times", () => {
    const first = checkSchedule({}, { everyDays: 30 }, START).inputs;
    expect(checkSchedule(first, { everyDays: 30 }, START + 300 * DAY_MS).inputs.rotation).toBe(1);
    expect(checkSchedule(first, { everyDays: 1 }, START + 29 * DAY_MS).inputs.rotation).toBe(1);
  });

  it("a deployment before the period is due changes no field, so the engine sees no diff; one at it changes fields in place", () => {
    const first = checkSchedule({}, { everyDays: 30 }, START).inputs;
    const early = checkSchedule(first, { everyDays: 30 }, START + 30 * DAY_MS - 1).inputs;
    expect(changedScheduleFields(first, early)).toEqual([]);
    const due = checkSchedule(first, { everyDays: 30 }, START + 30 * DAY_MS).inputs;
    expect(changedScheduleFields(first, due)).toEqual(["rotation", "rotatedAt", "nextRotationAfter"]);
  });

  it("a raised counter steps once at once; a lowered one steps nothing", () => {
    const first = checkSchedule({}, { everyDays: 30, rotation: 2 }, START).inputs;
    const raised = checkSchedule(first, { everyDays: 30, rotation: 5 }, START + DAY_MS).inputs;
    expect(raised).toMatchObject({ rotation: 3, seenCounter: 5, rotatedAt: new Date(START + DAY_MS).toISOString() });
    expect(checkSchedule(raised, { everyDays: 30, rotation: 1 }, START + 2 * DAY_MS).inputs).toMatchObject({ rotation: 3, seenCounter: 1 });
  });

  it("answers unknown outputs while an input is unknown (preview)", () => {
    expect(checkSchedule({}, { everyDays: UNKNOWN_VALUE }, START)).toEqual({
      inputs: { everyDays: UNKNOWN_VALUE, rotation: UNKNOWN_VALUE, rotatedAt: UNKNOWN_VALUE, nextRotationAfter: UNKNOWN_VALUE },
      failures: [],
    });
  });

  it.each([
    {
      name: "missing everyDays",
      news: {},
      reason: `everyDays is required: give a number of days greater than 0 and at most ${MAX_EVERY_DAYS}`,
    },
    { name: "everyDays 0", news: { everyDays: 0 }, reason: "everyDays must be a number of days greater than 0" },
    { name: "everyDays negative", news: { everyDays: -3 }, reason: "; got -3" },
    {
      name: "everyDays as text",
      news: { everyDays: "30" },
      reason: "everyDays must be a number of days greater than 0 and at most 36525 (fractions allowed); got a string",
    },
    { name: "everyDays past a century", news: { everyDays: 40_000 }, reason: "; got 40000" },
    {
      name: "a fractional counter",
      news: { everyDays: 1, rotation: 1.5 },
      reason: "rotation must be a whole number of at least 0, or left out; got 1.5",
    },
    {
      name: "a negative counter",
      news: { everyDays: 1, rotation: -1 },
      reason: "rotation must be a whole number of at least 0, or left out; got -1",
    },
  ])("refuses $name, naming the field", ({ news, reason }) => {
    const { failures } = checkSchedule({}, news, START);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.property).toBe(reason.includes("rotation must") ? "rotation" : "everyDays");
    expect(failures[0]!.reason).toContain(reason);
  });
});

describe("the schedule's now", () => {
  it("is the clock's unless FLASHBACK_TEST_NOW is set, which warns at each read", () => {
    expect(readScheduleNow({}, () => START)).toEqual({ ms: START });
    const moved = readScheduleNow({ [TEST_NOW_ENV]: "2031-06-01T00:00:00Z" }, () => START);
    expect(moved.ms).toBe(Date.parse("2031-06-01T00:00:00Z"));
    expect(moved.warning).toMatch(/FLASHBACK_TEST_NOW is set: rotation schedules take now to be 2031-06-01T00:00:00.000Z/);
    expect(() => readScheduleNow({ [TEST_NOW_ENV]: "tomorrow" })).toThrow(
      'FLASHBACK_TEST_NOW must be an ISO 8601 time such as 2030-01-31T00:00:00Z; got "tomorrow"',
    );
  });

  it("the lifecycle passes the warning on and applies the rule at the moment it read", () => {
    const warnings: string[] = [];
    const lifecycle = new ScheduleLifecycle({
      now: () => readScheduleNow({ [TEST_NOW_ENV]: "2030-01-01T00:00:00Z" }),
      warn: (message) => warnings.push(message),
    });
    expect(lifecycle.check({}, { everyDays: 1 }).inputs.rotatedAt).toBe("2030-01-01T00:00:00.000Z");
    expect(warnings).toHaveLength(1);
  });
  it("a start in the future comes back to now without a step, so one clock that ran ahead cannot hold every later step back", () => {
    const ahead = stepSchedule(undefined, { everyDays: 30 }, Date.parse("2100-01-01T00:00:00Z"));
    const now = Date.parse("2031-01-01T00:00:00Z");
    const back = stepSchedule(ahead, { everyDays: 30 }, now);
    expect(back).toMatchObject({ rotation: 0, rotatedAt: new Date(now).toISOString() });
    expect(stepSchedule(back, { everyDays: 30 }, now + 30 * DAY_MS).rotation).toBe(1);
  });
});
