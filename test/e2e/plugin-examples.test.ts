import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TOKEN as TYPE } from "../../provider/definitions/tokens";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { GO_SDK_IMPORT, packageAdd, PYTHON_SDK_IMPORT } from "../helpers/plugin-program-suite";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * examples/yaml, examples/python and examples/go, run as their READMEs say (for Python and Go,
 * `pulumi package add` first): each declares a reader and a writer that the reader's id rotates,
 * and exports their secrets.
 */

const EXAMPLES: Array<{ language: "yaml" | "python" | "go"; prepare?: (stack: CliStack) => Promise<void> }> = [
  { language: "yaml" },
  { language: "python", prepare: packageAdd(PYTHON_SDK_IMPORT) },
  { language: "go", prepare: packageAdd(GO_SDK_IMPORT) },
];

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

for (const { language, prepare } of EXAMPLES) {
  const suite = realCliSuite(`examples/${language}`, { languageHost: language });
  describe.skipIf(suite.skip)(suite.title, () => {
    it("up creates the reader and the writer it rotates, their secrets masked and encrypted; destroy removes both", async () => {
      emulator.reset();
      const stack = await cliStackOnEmulator(emulator, {
        programDir: join(__dirname, "..", "..", "examples", language),
        stackName: "example",
      });
      try {
        await prepare?.(stack);
        const result = await stack.succeed("up", ...UNATTENDED);
        expect(result.stdout).toMatch(/writerSecret\s*: \[secret\]/);
        const outputs = await stack.outputs(true);
        const writer = keysInState(await stack.exportState(), TYPE).find((resource) => resource.urn.endsWith("::writer"));
        expect(writer?.inputs?.rotateWhenChanged).toBe(outputs.readerKeyId);
        expect(
          emulator.store
            .allKeys()
            .map((key) => [key.repoId, key.name, key.accessType])
            .sort(),
        ).toEqual([
          [TEST_REPO, `${language}-reader`, "READ"],
          [TEST_REPO, `${language}-writer`, "WRITE"],
        ]);
        expect(emulator.store.isSecretOf(outputs.readerKeyId as string, outputs.secretKey as string)).toBe(true);
        expect(emulator.store.isSecretOf(writer?.id as string, outputs.writerSecret as string)).toBe(true);
        await stack.succeed("destroy", ...UNATTENDED);
        expect(emulator.store.allKeys()).toEqual([]);
      } finally {
        await stack.dispose({ destroy: false });
      }
    });
  });
}
