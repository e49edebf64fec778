import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { SECRET_SIG } from "../../provider/engine/pulumi-protocol";
import { REPO_API_KEY_TOKEN as TYPE } from "../../provider/definitions/tokens";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO, TEST_TOKEN } from "./emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { exerciseSecretShapes } from "./secret-shapes";
import { expectLookupsThroughCli } from "./function-results";
import { sequentialSteps } from "./sequential-steps";
import { expectRotationsThroughCli } from "./rotation-through-cli";
import { expectSealedThroughCli } from "./encrypt-to-through-cli";
import { encryptionToolsSuite } from "../../testkit/encryption-tools-suite";

/** The plugin's executable, as a program's Pulumi.yaml or `pulumi package add` names it. */
export const PLUGIN_EXECUTABLE = join(__dirname, "..", "..", "bin", "pulumi-resource-flashback");

/**
 * `pulumi package add` of the plugin, what a Python or Go program runs once for its SDK, checking
 * that the CLI says it generated the SDK and how to import it.
 */
/** How `pulumi package add` says to import the SDK it generated. */
export const PYTHON_SDK_IMPORT = /import pulumi_flashback/;
export const GO_SDK_IMPORT = /import "github\.com\/flashbacknetwork\/pulumi-flashback\/sdk\/go\/flashback"/;

export function packageAdd(importInstruction: RegExp): (stack: CliStack) => Promise<void> {
  return async (stack) => {
    const added = await stack.succeed("package", "add", PLUGIN_EXECUTABLE);
    expect(added.output).toMatch(/Successfully generated an SDK for the flashback package/);
    expect(added.output).toMatch(importInstruction);
  };
}

export interface PluginProgram {
  /** Its runtime, and the folder of its program under test/e2e/programs. */
  language: "yaml" | "python" | "go";
  title: string;
  /** What the program needs before its first deployment, on its new stack (for Python and Go: its SDK). */
  prepare?: (stack: CliStack) => Promise<void>;
}

/**
 * The same scenarios for a program in any language through the real CLI, the language's host and
 * the `flashback` provider plugin (bin/pulumi-resource-flashback) that its Pulumi.yaml names: the
 * lifecycle of the dynamic resource, reached from languages that cannot run it. Every program
 * declares one key, `reader`, from the config `repoId`, `keyName` (`<language>-reader` by default)
 * and `accessType`, and exports `keyId`, `accessKey` and `secretKey`.
 */
export function describePluginProgram(program: PluginProgram): void {
  const suite = realCliSuite(program.title, { languageHost: program.language });
  const programDir = join(__dirname, "..", "e2e", "programs", program.language);
  const keyName = (suffix: string) => `${program.language}-${suffix}`;

  let emulator: RunningEmulator;
  let stack: CliStack;

  const up = (...flags: string[]) => stack.succeed("up", ...UNATTENDED, ...flags);
  const writes = () => emulator.requests.filter((request) => request.method !== "GET");
  const keys = async () => keysInState(await stack.exportState(), TYPE);

  // The scenarios share one stack, in this order: a key to rename, then to replace, refresh, destroy.
  const step = sequentialSteps();

  describe.skipIf(suite.skip)(suite.title, () => {
    beforeAll(async () => {
      emulator = await startTestEmulator();
      stack = await cliStackOnEmulator(emulator, { programDir, stackName: `${program.language}-suite` });
      await program.prepare?.(stack);
    });

    afterAll(async () => {
      await stack?.dispose();
      await emulator?.close();
    });

    beforeEach(() => {
      emulator.requests.length = 0;
    });

    step("preview sends nothing", async () => {
      const result = await stack.succeed("preview", "--non-interactive");
      expect(result.stdout).toMatch(/\+ 2 to create/);
      expect(emulator.requests).toEqual([]);
    });

    step("up creates the key: key and secret secret in the output, ciphertext in the state", async () => {
      const result = await up();
      expect(result.stdout).toMatch(/secretKey\s*: \[secret\]/);
      const [stored] = await keys();
      expect(emulator.store.get(TEST_REPO, stored?.id as string)?.name).toBe(keyName("reader"));
      expect(stored?.outputs?.secret).toMatchObject({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });
      expect(stored?.outputs?.key).toMatchObject({ ciphertext: expect.any(String) });
      const secret = (await stack.outputs(true)).secretKey as string;
      expect(emulator.store.isSecretOf(stored?.id as string, secret)).toBe(true);
      expect(JSON.stringify(await stack.exportState())).not.toContain(secret);
    });

    // YAML declares no invoke conditionally: its lookups are test/e2e/yaml-functions.test.ts.
    if (program.language !== "yaml") {
      step("getRepoApiKeys and getRepoApiKey, in their output forms, answer every key and never a secret", async () => {
        await expectLookupsThroughCli(stack, emulator, up, TEST_REPO);
      });
    }

    step("a rename updates in place: one PUT, same id and secret", async () => {
      const before = await stack.outputs(true);
      await stack.setConfig({ keyName: keyName("renamed") });
      await up();
      const after = await stack.outputs(true);
      expect(writes().map((request) => `${request.method} ${request.path}`)).toEqual([`PUT /repo/${TEST_REPO}/apikey/${before.keyId}`]);
      expect(after).toMatchObject({ keyId: before.keyId, secretKey: before.secretKey });
    });

    step("a new repoId replaces the key, create before delete", async () => {
      const before = await stack.outputs();
      await stack.setConfig({ repoId: "repo-other" });
      await up();
      const after = await stack.outputs();
      expect(writes().map((request) => `${request.method} ${request.path}`)).toEqual([
        "POST /repo/repo-other/apikey",
        `PUT /repo/repo-other/apikey/${after.keyId}`,
        `DELETE /repo/${TEST_REPO}/apikey/${before.keyId}`,
      ]);
    });

    step("refresh picks up drift, then drops a key deleted out of band", async () => {
      const { keyId } = await stack.outputs();
      emulator.store.update("repo-other", keyId as string, { name: "edited-in-console", accessType: "ADMIN" });
      await stack.succeed("refresh", ...UNATTENDED);
      expect((await keys())[0]?.outputs).toMatchObject({ name: "edited-in-console", accessType: "ADMIN" });
      emulator.store.delete("repo-other", keyId as string);
      await stack.succeed("refresh", ...UNATTENDED);
      expect(await keys()).toEqual([]);
      await up();
      expect(emulator.store.allKeys()).toHaveLength(1);
    });

    step("a create whose answer is lost leaves no orphan and no duplicate, as with the dynamic resource", async () => {
      emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST", pathPrefix: "/repo/" });
      await stack.setConfig({ repoId: TEST_REPO });
      await up();
      const { keyId } = await stack.outputs();
      expect(emulator.store.allKeys().map((key) => [key.id, key.name])).toEqual([[keyId, keyName("renamed")]]);
      expect(emulator.requests.filter((request) => request.status === "reset")).toHaveLength(1);
    });

    step("import adopts an existing key, without its secret and with a warning that says why", async () => {
      const existing = emulator.store.create(TEST_REPO, "made-by-hand", "WRITE");
      const result = await stack.succeed(
        "import",
        TYPE,
        "adopted",
        `${TEST_REPO}/${existing.stored.id}`,
        "--protect=false",
        // The code `pulumi import` prints for the program comes from the language host; this repository's
        // stand-ins for Python and Go do not write programs (GenerateProgram), and the key is what is tested.
        ...(program.language === "yaml" ? [] : ["--generate-code=false"]),
        "--yes",
        "--non-interactive",
      );
      expect(result.output).toMatch(/imported without its secret/);
      const adopted = (await keys()).find((resource) => resource.urn.endsWith("::adopted"));
      expect(adopted?.id).toBe(existing.stored.id);
      expect(adopted?.inputs).toMatchObject({ repoId: TEST_REPO, name: "made-by-hand", accessType: "WRITE" });
      // Not in the program: take it out of the state again, leaving the key to its owner.
      await stack.succeed("state", "delete", adopted?.urn as string, "--yes");
      expect(emulator.store.get(TEST_REPO, existing.stored.id)).toBeDefined();
      emulator.store.delete(TEST_REPO, existing.stored.id);
    });

    // YAML declares no resource conditionally: its program for these shapes is test/e2e/programs/yaml-shapes.
    if (program.language !== "yaml") {
      step(
        "a key inside a component, its name and rotation trigger secret, and an adoption under a secret name: secret through up, rename, refresh",
        async () => {
          await exerciseSecretShapes(stack, emulator, { childType: "flashback-e2e:index:Team" });
        },
      );
    }

    // YAML declares no resource conditionally: its program for the component is test/e2e/programs/yaml-rotating.
    if (program.language !== "yaml") {
      step(
        "a RotatingRepoApiKey, served by the plugin's Construct, through two rotations by its counter and one by its schedule (rotateEveryDays): the former current key still valid as previous",
        async () => {
          await expectRotationsThroughCli(stack, emulator, { repoId: TEST_REPO, baseName: keyName("rotating"), up });
          await stack.removeConfig("rotation");
          await up();
          expect(emulator.store.allKeys().filter((key) => key.name.startsWith(keyName("rotating")))).toEqual([]);
        },
      );
    }

    // YAML declares no resource conditionally: its sealed keys are test/e2e/yaml-encrypt-to.test.ts.
    if (program.language !== "yaml") {
      const title =
        "encryptTo: keys and a RotatingRepoApiKey sealed to age and OpenPGP keys, opened by the real age and gpg, no plaintext anywhere";
      // Without age and gpg the step is skipped, its title saying why; under CI=true it runs, and fails.
      const tools = encryptionToolsSuite(title);
      describe.skipIf(tools.skip)(tools.title, () => step(title, () => expectSealedThroughCli(stack, emulator, up)));
    }

    step("a bad input fails with the field's name and sends nothing", async () => {
      await stack.setConfig({ accessType: "OWNER" });
      try {
        const result = await stack.run(["up", ...UNATTENDED]);
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(/accessType/);
        expect(writes()).toEqual([]);
      } finally {
        await stack.setConfig({ accessType: "READ" });
      }
    });

    step("destroy leaves nothing, and the token appears in nothing printed or stored", async () => {
      await stack.succeed("destroy", ...UNATTENDED);
      expect(emulator.store.allKeys()).toEqual([]);
      // Only what --show-secrets asked for in plaintext may hold it (the config, as the default provider's inputs).
      const printed = stack.printed
        .filter((command) => !command.args.includes("--show-secrets"))
        .map((command) => command.output)
        .join("\n");
      expect(printed).not.toContain(TEST_TOKEN);
      const stored = stack.backendTexts().join("\n");
      expect(stored).not.toContain(TEST_TOKEN);
    });
  });
}
