import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fromStruct, providerProto, SECRET_SIG, toStruct, unwrapSecrets, wrapSecret } from "../../provider/plugin/pulumi-protocol";
import { REPO_API_KEY_TOKEN, ROTATING_REPO_API_KEY_TOKEN } from "../../provider/plugin/schema";
import { ResourceMonitor, type Registration } from "../../testkit/engine/resource-monitor";
import { startPluginClient, type PluginClient } from "../helpers/plugin-client";
import { newPairKeyOutputs } from "../../provider/lifecycle/pair-check";

/*
 * Construct against a fake engine: the plugin's ResourceMonitor client (the SDK's runtime) talks
 * to a small monitor that answers each key as the engine would after the plugin's own Create.
 */

const STACK_URN_PREFIX = "urn:pulumi:dev::proj::";
const PROVIDER_REF = `${STACK_URN_PREFIX}pulumi:providers:flashback::explicit::provider-id`;

/** The engine's answer to a key its Check refuses. */
const REFUSED_ACCESS_TYPE = "accessType must be one of READ, WRITE, ADMIN";

let monitor: ResourceMonitor;
let monitorAddress: string;
let plugin: PluginClient;

const urnOf = (registration: Registration): string =>
  registration.custom
    ? `${STACK_URN_PREFIX}${ROTATING_REPO_API_KEY_TOKEN}$${registration.type}::${registration.name}`
    : `${STACK_URN_PREFIX}${registration.type}::${registration.name}`;

beforeAll(async () => {
  ({ monitor, address: monitorAddress } = await ResourceMonitor.start(async (registration) => {
    if (registration.custom && registration.object.accessType === "OWNER") throw new Error(REFUSED_ACCESS_TYPE);
    return {
      urn: urnOf(registration),
      ...(registration.custom
        ? {
            id: `id-${registration.name}`,
            object: {
              ...registration.object,
              // As the plugin's Check and Create make a key of a new pair: its generation, and where it was made.
              ...(registration.object.pair === undefined ? {} : newPairKeyOutputs(registration.object.pair)),
              key: wrapSecret(`key-${registration.name}`),
              secret: wrapSecret(`secret-${registration.name}`),
            },
          }
        : { object: {} }),
    };
  }));
  plugin = await startPluginClient();
});
afterAll(async () => {
  await plugin.stop();
  monitor.stop();
});
beforeEach(() => {
  monitor.registrations.length = 0;
});

function constructRequest(inputs: Record<string, unknown>, providers: Record<string, string> = {}): unknown {
  const request = new providerProto.ConstructRequest()
    .setProject("proj")
    .setStack("dev")
    .setOrganization("org")
    .setMonitorendpoint(monitorAddress)
    .setDryrun(false)
    .setParallel(4)
    .setType(ROTATING_REPO_API_KEY_TOKEN)
    .setName("partner")
    .setInputs(toStruct(inputs));
  for (const [pkg, ref] of Object.entries(providers)) request.getProvidersMap().set(pkg, ref);
  return request;
}

const INPUTS = { repoId: "repo-1", name: "partner", accessType: "READ" };

describe("the plugin's Construct of RotatingRepoApiKey", () => {
  it("registers the component and its two keys under it, each slot at its generation, through the explicit provider", async () => {
    const response = await plugin.call("construct", constructRequest({ ...INPUTS, rotation: 3 }, { flashback: PROVIDER_REF }));
    expect(response.getUrn()).toBe(`${STACK_URN_PREFIX}${ROTATING_REPO_API_KEY_TOKEN}::partner`);
    const [component, ...keys] = monitor.registrations;
    expect(component).toMatchObject({ type: ROTATING_REPO_API_KEY_TOKEN, name: "partner", custom: false });
    expect(
      keys.map(({ type, name, parent, provider, additionalSecretOutputs }) => ({ type, name, parent, provider, additionalSecretOutputs })),
    ).toEqual(
      ["a", "b"].map((slot) => ({
        type: REPO_API_KEY_TOKEN,
        name: `partner-${slot}`,
        parent: response.getUrn(),
        provider: PROVIDER_REF,
        additionalSecretOutputs: ["key", "secret"],
      })),
    );
    // Each key is asked for the number; b, registered after a, is handed a's id and generation, which its Check reads.
    expect(keys.map((key) => key.object.pair)).toMatchObject([
      { slot: "a", desired: 3, siblingName: "partner-b" },
      { slot: "b", desired: 3, siblingName: "partner-a", sibling: { id: "id-partner-a", generation: "generation 2" } },
    ]);
  });

  it("answers slot b as current and a as previous at an odd rotation, the keys and secrets secret, the ids plain", async () => {
    const response = await plugin.call("construct", constructRequest({ ...INPUTS, rotation: 3 }));
    const state = fromStruct(response.getState());
    const { plain, secretKeys } = unwrapSecrets(state);
    expect(plain).toEqual({
      currentKey: "key-partner-b",
      currentSecret: "secret-partner-b",
      currentKeyId: "id-partner-b",
      previousKey: "key-partner-a",
      previousSecret: "secret-partner-a",
      previousKeyId: "id-partner-a",
    });
    expect(secretKeys.sort()).toEqual(["currentKey", "currentSecret", "previousKey", "previousSecret"]);
    expect(JSON.stringify(state.currentKeyId)).not.toContain(SECRET_SIG);
  });

  it.each([
    ["-1", -1],
    ["a fraction", 1.5],
    ["text", "2"],
  ])("refuses a rotation of %s, naming the field, before registering anything", async (_title, rotation) => {
    await expect(plugin.call("construct", constructRequest({ ...INPUTS, rotation }))).rejects.toMatchObject({
      details: expect.stringMatching(/RotatingRepoApiKey "partner": rotation must be a whole number of at least 0/),
    });
    expect(monitor.registrations).toEqual([]);
  });

  it("fails with the engine's reason when a key is refused, and the plugin keeps serving", async () => {
    await expect(plugin.call("construct", constructRequest({ ...INPUTS, accessType: "OWNER", rotation: 0 }))).rejects.toMatchObject({
      details: expect.stringContaining(REFUSED_ACCESS_TYPE),
    });
    // The SDK's promises the failure left unawaited reject after the answer: the process lives on.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await plugin.call("construct", constructRequest({ ...INPUTS, rotation: 0 }));
    expect(unwrapSecrets(fromStruct(response.getState())).plain.currentKeyId).toBe("id-partner-b");
  });

  it("refuses a component type it does not serve", async () => {
    const request = constructRequest({ ...INPUTS, rotation: 0 }) as { setType(type: string): void };
    request.setType("flashback:index:Other");
    await expect(plugin.call("construct", request)).rejects.toMatchObject({
      details: expect.stringMatching(/no component "flashback:index:Other"/),
    });
  });
});
