import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { fromStruct, providerProto, toStruct } from "../../provider/engine/pulumi-protocol";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { lifecycleFor, providerFor, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { startPluginClient, type PluginClient } from "../helpers/plugin-client";

/*
 * A refresh of a key of a RotatingRepoApiKey keeps what the key remembers (its `pair`): the engine
 * stores the inputs a Read returns, or keeps the stored ones when it returns none (step.go's
 * RefreshStep), and a memory lost there would let the next up misjudge which key is current.
 */

const URN = `urn:pulumi:dev::pair-refresh::flashback:index:RotatingRepoApiKey$${REPO_API_KEY_TOKEN}::partner-a`;
const PAIR = { slot: "a", desired: 1, deployment: "d-1", siblingName: "partner-b", memory: { seenDesired: 1, olderSiblingIds: ["b-1"] } };

let emulator: RunningEmulator;
let plugin: PluginClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  plugin = await startPluginClient({ lifecycle: lifecycleFor(emulator) });
});
afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});

/** A pair's key made in the emulator, and its outputs as a state holds them. */
function storedPairKey(name: string, generation: number): { id: string; stored: Record<string, string> } {
  const existing = emulator.store.create(TEST_REPO, name, "READ");
  const stored = {
    repoId: TEST_REPO,
    name,
    accessType: "READ",
    rotateWhenChanged: `generation ${generation}`,
    key: existing.stored.key,
    secret: "s",
  };
  return { id: existing.stored.id, stored };
}

describe("a refresh of a pair's key", () => {
  it("through the plugin: returns the stored pair with the inputs Flashback knows", async () => {
    const { id, stored } = storedPairKey("partner-a", 1);
    const read = await plugin.call(
      "read",
      new providerProto.ReadRequest()
        .setUrn(URN)
        .setId(id)
        .setProperties(toStruct(stored))
        .setInputs(toStruct({ repoId: TEST_REPO, name: "partner-a", accessType: "READ", rotateWhenChanged: "generation 1", pair: PAIR })),
    );
    expect(fromStruct(read.getInputs()).pair).toEqual(PAIR);
  });

  it("through the dynamic resource: returns no inputs, so that the engine keeps the stored ones", async () => {
    const { id, stored } = storedPairKey("partner-b", 2);
    const read = await providerFor(emulator).read(id, stored as never);
    expect(read.id).toBe(id);
    expect(read.inputs).toBeUndefined();
    const plain = await providerFor(emulator).read(id, { ...stored, rotateWhenChanged: "any text" } as never);
    expect(plain.inputs, "a key outside a pair gets its inputs back as Flashback has them").toBeDefined();
  });
});
