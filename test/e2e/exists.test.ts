import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { TEST_REPO, stackOnEmulatorPerSuite } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * exists() through the real engine: ResourceMonitor.ExistsResource reads each id through the
 * plugin, under a URN it makes up, and answers the program true or false. Nothing is written and
 * nothing lands in the state but the stack's outputs.
 */

const suite = realCliSuite("exists() of a key through the real engine and the plugin");

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  stackOnEmulatorPerSuite(
    { programDir: join(__dirname, "programs", "exists"), stackName: "exists" },
    (made) => ({ emulator, stack } = made),
  );

  it("answers true for a key Flashback lists and false for one it does not, sending no write; a key id alone fails naming the form", async () => {
    const { stored } = emulator.store.create(TEST_REPO, "made-by-hand", "READ");
    await stack.setConfig({ presentId: `${TEST_REPO}/${stored.id}`, absentId: `${TEST_REPO}/00000000-0000-4000-8000-000000000000` });
    await stack.succeed("up", ...UNATTENDED);
    expect(await stack.outputs()).toEqual({ present: true, absent: false });
    expect(emulator.requests.filter((request) => request.method !== "GET")).toEqual([]);
    const types = ((await stack.exportState()).resources ?? []).map((resource) => resource.type);
    expect(types.filter((type) => type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:"))).toEqual([]);

    await stack.setConfig({ absentId: stored.id });
    const refused = await stack.run(["up", ...UNATTENDED]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`key id "${stored.id}" alone does not say which repository holds it: give it as <repoId>/<keyId>`);
  });
});
