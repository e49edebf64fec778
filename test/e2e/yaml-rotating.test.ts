import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { cliStackOnEmulator, TEST_REPO, stackOnEmulatorPerSuite } from "../helpers/emulator-provider";
import { expectRotationsThroughCli } from "../helpers/rotation-through-cli";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * RotatingRepoApiKey from YAML: a component the plugin's Construct serves. YAML declares nothing
 * conditionally, so the component has a program of its own; Python and Go run the same scenario in
 * their suites (plugin-program-suite.ts).
 */

const suite = realCliSuite("a YAML program holding a RotatingRepoApiKey, served by the plugin's Construct", { languageHost: "yaml" });

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  stackOnEmulatorPerSuite(
    { programDir: join(__dirname, "programs", "yaml-rotating"), stackName: "yaml-rotating" },
    (made) => ({ emulator, stack } = made),
  );

  it("refuses a rotation below 0 at preview, naming the field, and sends nothing", async () => {
    await stack.succeed("config", "set-all", "--plaintext", "rotation=-1"); // as a flag's value: `config set` reads -1 as a flag
    const result = await stack.run(["preview", "--non-interactive"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/RotatingRepoApiKey "rotating": rotation must be a whole number of at least 0; got -1/);
    expect(emulator.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("a counter below 0 fails that component alone, with the TypeScript class's message, and sends nothing", async () => {
    const badStack = await cliStackOnEmulator(emulator, {
      programDir: join(__dirname, "programs", "yaml-rotating-bad"),
      stackName: "yaml-rotating-bad",
    });
    const bad = await badStack.run(["preview", "--non-interactive"]).finally(() => badStack.dispose({ destroy: false }));
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/RotatingRepoApiKey "bad": rotation must be a whole number of at least 0; got -1/);
    expect(bad.output).not.toMatch(/resource 'good' has a problem/);
    expect(emulator.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("goes through two rotations by its counter and one by its schedule: one key replaced each, the former current one still valid as previous; secrets secret", async () => {
    await expectRotationsThroughCli(stack, emulator, {
      repoId: TEST_REPO,
      baseName: "yaml-rotating",
      up: () => stack.succeed("up", ...UNATTENDED),
    });
    await stack.succeed("destroy", ...UNATTENDED);
    expect(emulator.store.allKeys()).toEqual([]);
  });
});
