import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { supportedNodeFloor } from "../../scripts/supported-node";
import { TEST_REPO, stackOnEmulatorPerSuite } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * Which Node.js runs what, under the real CLI: the program (started by the Node.js language host)
 * and the dynamic provider (the pulumi-resource-pulumi-nodejs plugin, which runs the key's
 * provider) each report their own `process.version`; both must be the release this suite runs on.
 */

const suite = realCliSuite("every process of a TypeScript deployment runs on the suite's Node.js");

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  stackOnEmulatorPerSuite(
    { programDir: join(__dirname, "programs", "runtime-versions"), stackName: "runtime" },
    (made) => ({ emulator, stack } = made),
  );

  it("runs the program and the dynamic provider on this Node.js, one the package supports, and creates the key", async () => {
    const up = await stack.run(["up", ...UNATTENDED]);
    expect(up.code, up.output).toBe(0);
    const outputs = await stack.outputs();
    const seen = { program: outputs.programNode, provider: outputs.providerNode };
    expect(seen, `program: ${String(outputs.programExecPath)}, provider: ${String(outputs.providerExecPath)}`).toEqual({
      program: process.version,
      provider: process.version,
    });
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(supportedNodeFloor());
    expect(emulator.store.get(TEST_REPO, outputs.keyId as string)?.name).toBe("runtime-versions");
    const destroy = await stack.run(["destroy", ...UNATTENDED]);
    expect(destroy.code, destroy.output).toBe(0);
  });
});
