import { join } from "node:path";
import { describe, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { stackOnEmulatorPerSuite } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import type { CliStack } from "../../testkit/pulumi-cli-stack";
import { exerciseSecretShapes } from "../helpers/secret-shapes";

/*
 * The shapes YAML users make, through the real CLI and the plugin: a key whose parent is another
 * key, secret inputs, an adoption with the import resource option; the first `up` runs with the
 * engine flags that put `--logtostderr -v=1` before the plugin's engine address.
 */

const suite = realCliSuite("a YAML program with a child key, secret inputs and an adoption", { languageHost: "yaml" });

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  stackOnEmulatorPerSuite(
    { programDir: join(__dirname, "programs", "yaml-shapes"), stackName: "yaml-shapes" },
    (made) => ({ emulator, stack } = made),
  );

  it("keeps the secrets secret through up (under --logflow -v=1), a rename, refresh and the adoption; the child works", async () => {
    await exerciseSecretShapes(stack, emulator, { childType: REPO_API_KEY_TOKEN, upFlags: ["--logflow", "--logtostderr", "-v=1"] });
  });
});
