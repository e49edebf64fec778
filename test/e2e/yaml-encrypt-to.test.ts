import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { stackOnEmulatorPerSuite } from "../helpers/emulator-provider";
import { expectSealedThroughCli } from "../helpers/encrypt-to-through-cli";
import { encryptionToolsSuite } from "../../testkit/encryption-tools-suite";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * encryptTo from YAML, through the plugin: YAML declares nothing conditionally, so the sealed keys
 * have a program of their own (Python and Go run the same scenario in plugin-program-suite.ts).
 * The scenario ends by removing the recipients' config, which this program requires: it destroys instead.
 */

const suite = encryptionToolsSuite("a YAML program's keys sealed with encryptTo, opened by the real age and gpg", { languageHost: "yaml" });

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  stackOnEmulatorPerSuite(
    {
      programDir: join(__dirname, "programs", "yaml-encrypt-to"),
      stackName: "yaml-encrypt-to",
    },
    (made) => ({ emulator, stack } = made),
  );

  it("seals a key to age and one to OpenPGP, and a RotatingRepoApiKey through a rotation; no plaintext anywhere", async () => {
    await expectSealedThroughCli(stack, emulator, (...flags) => stack.succeed("up", ...UNATTENDED, ...flags), {
      cleanUp: async () => {
        await stack.succeed("destroy", ...UNATTENDED);
        expect(emulator.store.allKeys()).toEqual([]);
      },
    });
  });
});
