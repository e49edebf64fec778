import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  findInstalledPulumiCli,
  findPulumiCli,
  OLDEST_PULUMI_CLI_VERSION,
  PULUMI_CLI_VERSION,
  realCliSuite,
  wantsOldestCli,
} from "../../testkit/find-pulumi-cli";

/*
 * Which CLI the suites of this run drive, asked of the CLI itself: the oldest supported one where
 * FLASHBACK_PULUMI_CLI=oldest (vitest.config.mts's oldest-cli project), else the pinned newest one
 * that setup:pulumi built (a CLI installed on the machine is used as it is, whatever its version).
 */

const suite = realCliSuite("the Pulumi CLI the real-CLI suites run");
const expected = wantsOldestCli() ? OLDEST_PULUMI_CLI_VERSION : findInstalledPulumiCli() === undefined ? PULUMI_CLI_VERSION : undefined;

describe.skipIf(suite.skip)(suite.title, () => {
  it.skipIf(expected === undefined)(`is pulumi ${expected ?? "(installed on the machine)"}`, () => {
    const cli = findPulumiCli() as string;
    const version = execFileSync(cli, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim();
    expect(version).toBe(expected);
  });
});
