import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareVersions, declaredPulumiRange, NEWEST_TESTED_PULUMI } from "../helpers/pulumi-sdk-range";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * The TypeScript front is proven at both ends of the `@pulumi/pulumi` range it declares: every
 * suite runs the lockfile's copy, which must be the range's floor, and upgrade.test.ts installs the
 * newest published one into a program, which the range must admit.
 */

const range = declaredPulumiRange();
const floor = range.replace(/^\^/, "");

describe(`the @pulumi/pulumi range package.json declares (${range})`, () => {
  it("is a caret range: a program's own newer 3.x serves the package, one SDK and not two", () => {
    expect(range).toMatch(/^\^3\.\d+\.\d+$/);
  });

  it("has for floor the version the lockfile installs, which every suite but upgrade.test.ts runs on", () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    expect(lock.packages["node_modules/@pulumi/pulumi"]?.version).toBe(floor);
    const installed = JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
      version: string;
    };
    expect(installed.version).toBe(floor);
  });

  it(`admits ${NEWEST_TESTED_PULUMI}, the newest release, which upgrade.test.ts runs a program on`, () => {
    expect(NEWEST_TESTED_PULUMI.split(".")[0]).toBe(floor.split(".")[0]);
    expect(compareVersions(NEWEST_TESTED_PULUMI, floor)).toBeGreaterThanOrEqual(0);
  });
});
