import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./run-node";

/**
 * The newest `@pulumi/pulumi` published, which test/e2e/upgrade.test.ts installs into a program
 * beside this package; every other suite runs the lockfile's, the floor of the declared range.
 */
export const NEWEST_TESTED_PULUMI = "3.276.0";

/** The `@pulumi/pulumi` range package.json declares, e.g. `^3.270.0`. */
export function declaredPulumiRange(): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  return manifest.dependencies["@pulumi/pulumi"] ?? "";
}

/** Semantic versions of one major compared by their numbers: negative, zero or positive, as `sort` takes. */
export function compareVersions(a: string, b: string): number {
  const [left, right] = [a, b].map((version) => version.split(".").map(Number));
  const index = left!.findIndex((part, position) => part !== right![position]);
  return index < 0 ? 0 : left![index]! - right![index]!;
}
