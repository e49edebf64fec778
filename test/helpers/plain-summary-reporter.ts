import type { TestCase, TestModule, TestRunEndReason, TestSuite, Reporter } from "vitest/node" with { "resolution-mode": "import" };

/** What the closing line counts. */
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Whether a suite or module above the test failed outside any test (a beforeAll, the file's own loading). */
function failedAbove(test: TestCase): boolean {
  for (let parent: TestSuite | TestModule = test.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return true;
    if (parent.type === "module") return false;
  }
}

/**
 * Counts tests as passed, failed or skipped, where a test that a failed hook kept from running is
 * failed, not skipped; a file or suite that failed outside its tests and left no failed test to show
 * it (an error as the file loads, an afterAll) counts once as failed; and a run vitest ends as failed
 * never reads as `0 failed`.
 */
export function countResults(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<unknown>,
  reason: TestRunEndReason,
): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const module of testModules) {
    const failedTests = new Set<TestCase>();
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") counts.passed += 1;
      else if (state === "failed" || (state === "skipped" && test.options.mode === "run" && failedAbove(test))) failedTests.add(test);
      else counts.skipped += 1;
    }
    counts.failed += failedTests.size;
    for (const holder of [module, ...module.children.allSuites()]) {
      const shown = [...holder.children.allTests()].some((test) => failedTests.has(test));
      if (holder.errors().length > 0 && !shown) counts.failed += 1;
    }
  }
  counts.failed += unhandledErrors.length;
  if (reason !== "passed" && counts.failed === 0) counts.failed = 1;
  return counts;
}

/**
 * Prints one closing line, "N passed, N failed, N skipped", that CI tools read whatever the runner,
 * and that says failed wherever vitest does.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    const { passed, failed, skipped } = countResults(testModules, unhandledErrors, reason);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
