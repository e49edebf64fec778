import { it } from "vitest";

/**
 * Tests that share one stack and run in order, each on what the one before left. After a failure
 * the rest would only fail for it, so they stop and say which step to look at.
 */
export function sequentialSteps(): (title: string, scenario: () => Promise<void>) => void {
  let failedStep: string | undefined;
  return (title, scenario) => {
    it(title, async () => {
      if (failedStep !== undefined) throw new Error(`not run: the steps share one stack in order, and "${failedStep}" failed first`);
      try {
        await scenario();
      } catch (error) {
        failedStep = title;
        throw error;
      }
    });
  };
}
