import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fromStruct, providerProto, SECRET_SIG, toStruct, unwrapSecrets, wrapSecret } from "../../provider/engine/pulumi-protocol";
import { REPO_API_KEY_TOKEN, ROTATING_REPO_API_KEY_TOKEN, ROTATION_SCHEDULE_TOKEN } from "../../provider/definitions/tokens";
import { ResourceMonitor, type Registration } from "../../testkit/engine/resource-monitor";
import { startFakeEngine, type LoggedWithSeverity } from "../helpers/fake-engine";
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
/** A key the monitor refuses after its sibling's answer, quoting that sibling's secret. */
const LEAKY_REFUSAL = "refused beside secret-leaky-a";

let monitor: ResourceMonitor;
let monitorAddress: string;
let plugin: PluginClient;
/** The same plugin served with the engine's address: what it logs there. */
let engine: { address: string; withSeverity: LoggedWithSeverity[]; stop(): Promise<void> };
let logging: PluginClient;

const urnOf = (registration: Registration): string =>
  registration.custom
    ? `${STACK_URN_PREFIX}${ROTATING_REPO_API_KEY_TOKEN}$${registration.type}::${registration.name}`
    : `${STACK_URN_PREFIX}${registration.type}::${registration.name}`;

beforeAll(async () => {
  ({ monitor, address: monitorAddress } = await ResourceMonitor.start(async (registration) => {
    if (registration.custom && registration.object.accessType === "OWNER") throw new Error(REFUSED_ACCESS_TYPE);
    if (registration.name === "leaky-b") {
      await new Promise((resolve) => setTimeout(resolve, 100));
      throw new Error(LEAKY_REFUSAL);
    }
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
  engine = await startFakeEngine();
  logging = await startPluginClient({ engineAddress: engine.address });
});
afterAll(async () => {
  await plugin.stop();
  await logging.stop();
  await engine.stop();
  monitor.stop();
});
beforeEach(() => {
  monitor.registrations.length = 0;
  engine.withSeverity.length = 0;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Pulumi's generated classes carry no types
function constructRequest(inputs: Record<string, unknown>, providers: Record<string, string> = {}, name = "partner"): any {
  const request = new providerProto.ConstructRequest()
    .setProject("proj")
    .setStack("dev")
    .setOrganization("org")
    .setMonitorendpoint(monitorAddress)
    .setDryrun(false)
    .setParallel(4)
    .setType(ROTATING_REPO_API_KEY_TOKEN)
    .setName(name)
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

const ANCHOR_URN = `${STACK_URN_PREFIX}flashback:index:RepoApiKey::anchor`;
const NO_OPTIONS = {
  protect: false,
  retainOnDelete: false,
  deletedWith: "",
  customTimeouts: undefined,
  ignoreChanges: [],
  replaceOnChanges: [],
};

describe("the options a Construct's component passes to its children", () => {
  it("gives both keys protect, retainOnDelete, deletedWith, customTimeouts and the key fields of ignoreChanges and replaceOnChanges; the schedule protect alone", async () => {
    const request = constructRequest({ ...INPUTS, rotation: 1, rotateEveryDays: 30 })
      .setProtect(true)
      .setRetainondelete(true)
      .setDeletedwith(ANCHOR_URN)
      .setCustomtimeouts(new providerProto.ConstructRequest.CustomTimeouts().setCreate("7m").setUpdate("8m").setDelete("9m"))
      .setIgnorechangesList(["accessType", "rotation"])
      .setReplaceonchangesList(["name", "rotateEveryDays"]);
    const response = await logging.call("construct", request);
    const optionsOf = (type: string) => monitor.registrations.filter((registration) => registration.type === type).map((r) => r.options);
    const keyOptions = {
      protect: true,
      retainOnDelete: true,
      deletedWith: ANCHOR_URN,
      customTimeouts: { create: "7m", update: "8m", delete: "9m" },
      ignoreChanges: ["accessType"],
      replaceOnChanges: ["name"],
    };
    expect(optionsOf(REPO_API_KEY_TOKEN)).toEqual([keyOptions, keyOptions]);
    expect(optionsOf(ROTATION_SCHEDULE_TOKEN)).toEqual([{ ...NO_OPTIONS, protect: true }]);
    expect(engine.withSeverity).toContainEqual({
      severity: 2,
      urn: response.getUrn(),
      message: expect.stringMatching(/RotatingRepoApiKey "partner": deletedWith .*::anchor leaves both keys in Flashback, still working/),
    });
  });

  it("gives the keys none when the component has none, and warns of nothing", async () => {
    await logging.call("construct", constructRequest({ ...INPUTS, rotation: 1 }));
    expect(monitor.registrations.map((registration) => registration.options)).toEqual([NO_OPTIONS, NO_OPTIONS, NO_OPTIONS]);
    expect(engine.withSeverity.filter((entry) => entry.severity >= 2)).toEqual([]);
  });
});

describe("the SDK runtime's log in a Construct", () => {
  it("logs each key's registration at debug level, with every secret it carried as [secret]", async () => {
    await logging.call("construct", constructRequest({ ...INPUTS, rotation: 1 }));
    const debug = engine.withSeverity.filter((entry) => entry.severity === 0).map((entry) => entry.message);
    const finished = debug.filter((line) => /RegisterResource RPC finished: resource:partner-[ab]/.test(line));
    expect(finished).toHaveLength(2);
    for (const line of finished) expect(line).toContain("[secret]");
    for (const secret of ["key-partner-a", "secret-partner-a", "key-partner-b", "secret-partner-b"])
      expect(engine.withSeverity.filter((entry) => entry.message.includes(secret))).toEqual([]);
  });
});

describe("a Construct's failures", () => {
  it("fail that Construct alone, redacted, while another runs beside it", async () => {
    const [leaky, beside] = await Promise.allSettled([
      logging.call("construct", constructRequest({ ...INPUTS, name: "leaky", rotation: 0 }, {}, "leaky")),
      logging.call("construct", constructRequest({ ...INPUTS, rotation: 0 })),
    ]);
    expect(leaky).toMatchObject({ status: "rejected", reason: { details: expect.stringContaining("refused beside [secret]") } });
    expect(JSON.stringify(leaky)).not.toContain("secret-leaky-a");
    expect(beside.status).toBe("fulfilled");
    // The SDK's promises the failure left unawaited reject after the answer: nothing more reaches the engine.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(engine.withSeverity.filter((entry) => entry.severity === 3)).toEqual([]);
  });
});
