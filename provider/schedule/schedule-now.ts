/** The environment variable that sets the schedule's "now", for tests that move time between two `pulumi up`s. */
export const TEST_NOW_ENV = "FLASHBACK_TEST_NOW";

/** The moment a schedule's Check takes for now, and a warning when it is not the clock's. */
export interface ScheduleNow {
  ms: number;
  warning?: string;
}

/**
 * Now, for a RotationSchedule: the clock's, or `FLASHBACK_TEST_NOW` (an ISO 8601 time) where a
 * test sets it. The provider process inherits the CLI's environment, so this is how a real-CLI test
 * moves time; the warning makes a variable left set in a real stack, which would stop its
 * schedules, visible at every deployment.
 */
export function readScheduleNow(env: NodeJS.ProcessEnv = process.env, clockNow: () => number = Date.now): ScheduleNow {
  const text = env[TEST_NOW_ENV];
  if (text === undefined || text === "") return { ms: clockNow() };
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new RangeError(`${TEST_NOW_ENV} must be an ISO 8601 time such as 2030-01-31T00:00:00Z; got ${JSON.stringify(text)}`);
  return {
    ms,
    warning: `${TEST_NOW_ENV} is set: rotation schedules take now to be ${new Date(ms).toISOString()}, not the clock's time. It is meant for tests; unset it.`,
  };
}
