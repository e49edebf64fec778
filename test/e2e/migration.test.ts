import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { sequentialSteps } from "../helpers/sequential-steps";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { DYNAMIC_KEY_TYPE, keysInState, UNATTENDED, type CliStack, type CliResult } from "../../testkit/pulumi-cli-stack";

/*
 * The move of a stack (docs/moving-between-fronts.md) from the TypeScript dynamic RepoApiKey to the plugin's
 * flashback:index:RepoApiKey, under the real CLI: `pulumi import` of the key into the new
 * resource, `pulumi state delete` of the old one (and of the dynamic provider it leaves), and the
 * program switched. The key keeps its id, Flashback sees no write, and the next `up` is a no-op.
 */

const suite = realCliSuite("moving a stack from the dynamic RepoApiKey to the plugin's resource", { languageHost: "yaml" });
const TS_DIR = join(__dirname, "programs", "migration-ts");
const YAML_DIR = join(__dirname, "programs", "migration-yaml");
const STACK = "migration";

let emulator: RunningEmulator;
let stack: CliStack;
let keyId: string;
const step = sequentialSteps();

/** A command on the stack from the program after the move (its Pulumi.yaml names the plugin). */
async function afterMove(...args: string[]): Promise<CliResult> {
  const result = await stack.run(args, { programDir: YAML_DIR });
  if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited with ${result.code}:\n${result.output}`);
  return result;
}
const writes = () => emulator.requests.filter((request) => request.method !== "GET").map((request) => `${request.method} ${request.path}`);

describe.skipIf(suite.skip)(suite.title, () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
    stack = await cliStackOnEmulator(emulator, { programDir: TS_DIR, stackName: STACK });
  });

  afterAll(async () => {
    // The state holds the plugin's key by now: destroy from the program that names the plugin.
    await stack?.run(["destroy", ...UNATTENDED], { programDir: YAML_DIR });
    await stack?.dispose({ destroy: false });
    rmSync(join(YAML_DIR, `Pulumi.${STACK}.yaml`), { force: true });
    await emulator?.close();
  });

  step("before: the TypeScript program's key on the dynamic resource", async () => {
    await stack.succeed("up", ...UNATTENDED);
    const [key] = keysInState(await stack.exportState(), DYNAMIC_KEY_TYPE);
    keyId = key?.id as string;
    expect(emulator.store.list(TEST_REPO).map((stored) => [stored.id, stored.name])).toEqual([[keyId, "migrated-reader"]]);
  });

  step(
    "import into the plugin's resource, state delete of the old one, the program switched: same key, no write, then a no-op up",
    async () => {
      const before = await stack.exportState();
      const oldKey = keysInState(before, DYNAMIC_KEY_TYPE)[0]!;
      const dynamicProvider = before.resources?.find((resource) => resource.type === "pulumi:providers:pulumi-nodejs");
      expect(dynamicProvider).toBeDefined();
      // The stack's config (repoId, the encrypted token and its salt) goes with the stack to its new program.
      copyFileSync(join(TS_DIR, `Pulumi.${STACK}.yaml`), join(YAML_DIR, `Pulumi.${STACK}.yaml`));
      emulator.requests.length = 0;

      const imported = await afterMove(
        "import",
        REPO_API_KEY_TOKEN,
        "reader",
        `${TEST_REPO}/${keyId}`,
        "--protect=false",
        "--yes",
        "--non-interactive",
      );
      expect(imported.output).toMatch(/imported without its secret/);
      await afterMove("state", "delete", oldKey.urn, "--yes");
      await afterMove("state", "delete", dynamicProvider!.urn, "--yes");
      const after = await stack.exportState();
      expect(keysInState(after, DYNAMIC_KEY_TYPE)).toEqual([]);
      expect(keysInState(after, REPO_API_KEY_TOKEN).map((key) => [key.id, key.urn])).toEqual([
        [keyId, `urn:pulumi:${STACK}::flashback-migration::${REPO_API_KEY_TOKEN}::reader`],
      ]);

      const up = await afterMove("up", ...UNATTENDED, "--expect-no-changes");
      expect(up.stdout).not.toMatch(/to (create|update|delete|replace)/);
      expect((await afterMove("stack", "output", "keyId")).stdout.trim()).toBe(keyId);
      expect(writes()).toEqual([]);
      expect(emulator.store.list(TEST_REPO).map((stored) => [stored.id, stored.name])).toEqual([[keyId, "migrated-reader"]]);
    },
  );
});
