import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * An explicit provider whose apiUrl is another resource's output, through the real CLI, the YAML
 * host and the plugin: in a preview the input is unknown (the engine still calls CheckConfig, and
 * configures nothing), in the update it is known and checked, named as the provider's input.
 * `first` goes through the default provider to `emulator` (FLASHBACK_API_URL); `second` through
 * the computed provider to `other`, so a provider that ignored its input would be seen.
 */

const suite = realCliSuite("a YAML program whose explicit provider's apiUrl comes from another resource's output", {
  languageHost: "yaml",
});

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let other: RunningEmulator;
  let stack: CliStack;

  const requests = () => [...emulator.requests, ...other.requests];

  beforeAll(async () => {
    [emulator, other] = await Promise.all([startTestEmulator(), startTestEmulator()]);
    stack = await cliStackOnEmulator(emulator, {
      programDir: join(__dirname, "programs", "yaml-computed-provider"),
      stackName: "yaml-computed-provider",
      // An explicit provider reads no stack config: its token comes from the environment.
      env: { FLASHBACK_ACCESS_TOKEN: TEST_TOKEN },
      config: { otherApiUrl: other.url },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await Promise.all([emulator?.close(), other?.close()]);
  });

  it("preview finishes with the dependent key to create and its outputs unknown; up creates it where the computed URL points", async () => {
    const preview = await stack.succeed("preview", "--non-interactive", "--diff");
    expect(preview.stdout).toMatch(/\+ 4 to create/);
    expect(preview.stdout).toMatch(/pulumi:providers:flashback: \(create\)[^+]*apiUrl: \[unknown\]/);
    expect(preview.stdout).toMatch(/secondName: \[unknown\]/);
    expect(requests()).toEqual([]);

    await stack.succeed("up", ...UNATTENDED);
    const names = (await stack.outputs()).secondName;
    expect(names).toBe("yaml-second");
    expect(emulator.store.list(TEST_REPO).map((key) => key.name)).toEqual(["yaml-first"]);
    expect(other.store.list(TEST_REPO).map((key) => key.name)).toEqual(["yaml-second"]);
    expect(keysInState(await stack.exportState(), REPO_API_KEY_TOKEN)).toHaveLength(2);
  });

  it("a computed URL that turns out bad passes the preview, then fails the update naming the provider's input", async () => {
    await stack.succeed("destroy", ...UNATTENDED);
    await stack.setConfig({ otherApiUrl: "ftp://127.0.0.1:1" });
    // With its preview pass: `first` is new again, so the URL is unknown there and known in the update.
    const up = await stack.run(["up", "--yes", "--non-interactive"]);
    expect(up.code, up.output).not.toBe(0);
    expect(up.output).toMatch(/Previewing update[\s\S]*Updating/);
    expect(up.output).toMatch(/input apiUrl of the provider "computed" must be an https:\/\/ URL; got the scheme "ftp:"/);
    expect(up.output).not.toMatch(/stack config flashback:apiUrl/);
    expect(other.store.list(TEST_REPO)).toEqual([]);
  });
});
