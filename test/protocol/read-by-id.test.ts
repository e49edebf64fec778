import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import type { RepoApiKeyProvider } from "../../provider/lifecycle-entry";
import { fromStruct, providerProto, toStruct, unwrapSecrets, type Props } from "../../provider/engine/pulumi-protocol";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { lifecycleFor, plantReservation, providerFor, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { startFakeEngine } from "../helpers/fake-engine";
import { startPluginClient, type PluginClient } from "../helpers/plugin-client";

/*
 * A Read given only an id, as a generated SDK's static `exists()` sends it through the engine's
 * ResourceMonitor.ExistsResource: the URN is one the engine makes up (`__exists__<n>`), the stored
 * state is empty and the inputs are what the program passed beside the id. Both fronts answer the
 * key without its secret, answer "none" (an empty id, no properties) for a key Flashback lacks,
 * and refuse an id that names no repository, saying which forms are allowed.
 */

const EXISTS_URN = `urn:pulumi:dev::read-by-id::${REPO_API_KEY_TOKEN}::__exists__1`;
const MISSING_KEY = "00000000-0000-4000-8000-000000000000";

let emulator: RunningEmulator;
let engine: Awaited<ReturnType<typeof startFakeEngine>>;
let plugin: PluginClient;
let dynamic: RepoApiKeyProvider;

beforeAll(async () => {
  [emulator, engine] = await Promise.all([startTestEmulator(), startFakeEngine()]);
  plugin = await startPluginClient({ engineAddress: engine.address, lifecycle: lifecycleFor(emulator) });
  dynamic = providerFor(emulator);
});

afterAll(async () => {
  await plugin?.stop();
  await engine?.stop();
  await emulator?.close();
});

beforeEach(() => {
  emulator.store.clear([TEST_REPO]);
  engine.logged.length = 0;
});

/** The plugin's answer to an `exists()` of `id` with `given` beside it: the id it names and its properties, if any. */
async function pluginExists(id: string, given: Props = {}): Promise<{ id: string; properties?: Props }> {
  const response = await plugin.call("read", new providerProto.ReadRequest().setUrn(EXISTS_URN).setId(id).setInputs(toStruct(given)));
  const properties = response.getProperties();
  return { id: response.getId(), ...(properties === undefined ? {} : { properties: unwrapSecrets(fromStruct(properties)).plain }) };
}

/** The dynamic front's answer: the host hands the inputs over as `props` when no state came. */
async function dynamicExists(id: string, given: Props = {}): Promise<{ id: string; properties?: Props }> {
  const result = await dynamic.read(id, { __provider: "serialized", ...given } as never);
  return { id: result.id ?? "(no id)", ...(result.props === undefined ? {} : { properties: result.props as unknown as Props }) };
}

describe.each([
  { front: "the plugin", exists: pluginExists },
  { front: "the dynamic resource", exists: dynamicExists },
])("$front, asked for a key by its id only", ({ exists }) => {
  it("answers a key named by its id with repoId beside it, or by <repoId>/<keyId>: its fields, no secret, no request that writes", async () => {
    const { stored } = emulator.store.create(TEST_REPO, "looked-up", "WRITE");
    emulator.requests.length = 0;
    for (const answer of [await exists(stored.id, { repoId: TEST_REPO }), await exists(`${TEST_REPO}/${stored.id}`)]) {
      expect(answer.id).toBe(stored.id);
      expect(answer.properties).toMatchObject({ repoId: TEST_REPO, name: "looked-up", accessType: "WRITE", secret: "" });
    }
    expect(emulator.requests.map((request) => request.method)).toEqual(["GET", "GET"]);
  });

  it("answers none (an empty id and no properties) for a key, or a repository, Flashback does not have", async () => {
    expect(await exists(MISSING_KEY, { repoId: TEST_REPO })).toEqual({ id: "" });
    expect(await exists(`repo-nowhere/${MISSING_KEY}`)).toEqual({ id: "" });
  });

  it("answers none for a key a create left under a reservation name: it is deleted once that create's time is over", async () => {
    const reserved = plantReservation(emulator, { ageMs: 1_000 });
    expect(await exists(reserved, { repoId: TEST_REPO })).toEqual({ id: "" });
  });

  it("refuses a key id with no repository, naming the id and the forms it may take", async () => {
    await expect(exists(MISSING_KEY)).rejects.toThrow(
      new RegExp(
        `key id "${MISSING_KEY}" alone does not say which repository holds it: give it as <repoId>/<keyId>, e.g. repo-123/${MISSING_KEY}, or pass repoId beside it`,
      ),
    );
  });
});

it("the plugin logs no import warning for an exists(): nothing was imported", async () => {
  const { stored } = emulator.store.create(TEST_REPO, "looked-up", "READ");
  await pluginExists(stored.id, { repoId: TEST_REPO });
  const imported = await plugin.call(
    "read",
    new providerProto.ReadRequest().setUrn(EXISTS_URN.replace("__exists__1", "adopted")).setId(`${TEST_REPO}/${stored.id}`),
  );
  expect(imported.getId()).toBe(stored.id);
  // Only the import, read second, warns.
  await expect.poll(() => engine.logged.map((entry) => entry.message)).toEqual([expect.stringMatching(/imported without its secret/)]);
});
