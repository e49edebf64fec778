import { afterAll, beforeAll, describe, expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { TEST_NOW_ENV } from "../../provider/schedule/schedule-now";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import type { CliResult, CliStack } from "../../testkit/pulumi-cli-stack";
import { cliStackOnEmulator, startTestEmulator } from "./emulator-provider";
import { sequentialSteps } from "./sequential-steps";
import { DAY_MS } from "../../provider/utils/time-units";

const START = Date.parse("2030-01-01T00:00:00Z");
const daysOn = (days: number): string => new Date(START + days * DAY_MS).toISOString();

export interface ScheduleSuiteOptions {
  title: string;
  languageHost: string;
  programDir: string;
  stackName: string;
  /** What else to hold after each step, with the stack's outputs before and after it (the TypeScript suite: its keys' overlap). */
  /** What else the preview of the due step must show (the TypeScript suite: one of the pair's keys replaced, not both). */
  duePreview?: (stdout: string) => void;
  afterStep?: (step: {
    rotated: boolean;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
    emulator: RunningEmulator;
  }) => void;
}

/**
 * A RotationSchedule with a 30-day period under the real CLI, "now" moved between deployments with
 * FLASHBACK_TEST_NOW, which the provider process inherits: made at rotation 0, unchanged a day
 * before it is due, one step when due, one step (not nine) after ten periods away, and bad input
 * refused at preview naming the field.
 */
export function describeScheduleUnderCli(options: ScheduleSuiteOptions): void {
  const suite = realCliSuite(options.title, { languageHost: options.languageHost });
  const step = sequentialSteps();
  let emulator: RunningEmulator;
  let stack: CliStack;
  let before: Record<string, unknown> = {};

  /** `pulumi <args>` with now at `at`; fails showing what the CLI printed unless it exits 0. */
  const at = (at: string, ...args: string[]): Promise<CliResult> =>
    stack.succeedWith([...args, "--non-interactive"], { env: { [TEST_NOW_ENV]: at } });
  /** Runs an `up` at `when` and the suite's own checks, and returns the new outputs. */
  const upAt = async (when: string, rotated: boolean, ...flags: string[]): Promise<Record<string, unknown>> => {
    await at(when, "up", "--yes", "--skip-preview", ...flags);
    const after = await stack.outputs();
    options.afterStep?.({ rotated, before, after, emulator });
    before = after;
    return after;
  };

  describe.skipIf(suite.skip)(suite.title, () => {
    beforeAll(async () => {
      emulator = await startTestEmulator();
      stack = await cliStackOnEmulator(emulator, { programDir: options.programDir, stackName: options.stackName });
    });

    afterAll(async () => {
      await stack?.dispose();
      await emulator?.close();
    });

    step("the first up makes the schedule at rotation 0, started now, due one period later", async () => {
      const result = await at(daysOn(0), "up", "--yes", "--skip-preview");
      expect(result.output).toContain(`${TEST_NOW_ENV} is set`);
      before = await stack.outputs();
      expect(before).toMatchObject({ rotation: 0, rotatedAt: daysOn(0), nextRotationAfter: daysOn(30) });
    });

    step("a day before it is due: preview and up see no change (--expect-no-changes)", async () => {
      await at(daysOn(29), "preview", "--expect-no-changes");
      expect(await upAt(daysOn(29), false, "--expect-no-changes")).toEqual(before);
    });

    step("when due: the preview shows an update in place of rotation 0 → 1, and up makes it, started now", async () => {
      const preview = await at(daysOn(30), "preview", "--diff");
      expect(preview.stdout).toMatch(/~ rotation\s*:\s*0 => 1/);
      expect(preview.stdout).not.toMatch(/RotationSchedule[^\n]*\((replace|create-replacement)\)/);
      options.duePreview?.(preview.stdout);
      expect(await upAt(daysOn(30), true)).toMatchObject({ rotation: 1, rotatedAt: daysOn(30), nextRotationAfter: daysOn(60) });
    });

    step("ten periods later, after a long absence: one step, to 2, not nine", async () => {
      expect(await upAt(daysOn(330), true)).toMatchObject({ rotation: 2, rotatedAt: daysOn(330) });
    });

    step("everyDays 0 is refused at preview, naming the field and what is allowed", async () => {
      await stack.setConfig({ everyDays: "0" });
      const preview = await stack.run(["preview", "--non-interactive"], { env: { [TEST_NOW_ENV]: daysOn(331) } });
      expect(preview.code).not.toBe(0);
      expect(preview.output).toMatch(/everyDays must be a number of days greater than 0 and at most 36525 \(fractions allowed\); got 0/);
      await stack.removeConfig("everyDays");
    });
  });
}
