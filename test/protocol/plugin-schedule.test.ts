import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fromStruct, isSecret, providerProto, toStruct, wrapSecret, type Props } from "../../provider/engine/pulumi-protocol";
import { TEST_NOW_ENV } from "../../provider/schedule/schedule-now";
import { startPluginClient, type PluginClient, type ProtoResponse } from "../helpers/plugin-client";
import { DAY_MS } from "../../provider/utils/time-units";

/*
 * The plugin's flashback:index:RotationSchedule over a real socket, called as the engine calls it:
 * routed by the URN's type (a child's too), the rule at Check, an in-place Diff, secrets kept.
 * The plugin runs in this process, so FLASHBACK_TEST_NOW is stubbed here.
 */

const URN = "urn:pulumi:dev::plugin-test::my:index:Pair$flashback:index:RotationSchedule::pair-schedule";
const START = Date.parse("2030-01-01T00:00:00Z");

let plugin: PluginClient;
beforeAll(async () => {
  plugin = await startPluginClient();
});
afterAll(() => plugin.stop());
afterEach(() => vi.unstubAllEnvs());

function checkAt(days: number, news: Props, olds: Props = {}): Promise<ProtoResponse> {
  vi.stubEnv(TEST_NOW_ENV, new Date(START + days * DAY_MS).toISOString());
  return plugin.call("check", new providerProto.CheckRequest().setUrn(URN).setOlds(toStruct(olds)).setNews(toStruct(news)));
}

async function createFrom(checked: ProtoResponse): Promise<Props> {
  const created = await plugin.call("create", new providerProto.CreateRequest().setUrn(URN).setProperties(checked.getInputs()));
  expect(created.getId()).toMatch(/^schedule-/);
  return fromStruct(created.getProperties());
}

function diff(olds: Props, checked: ProtoResponse): Promise<ProtoResponse> {
  return plugin.call("diff", new providerProto.DiffRequest().setUrn(URN).setId("s").setOlds(toStruct(olds)).setNews(checked.getInputs()));
}

describe("the plugin's RotationSchedule", () => {
  it("refuses bad input at Check naming the field, under a component's URN", async () => {
    const checked = await checkAt(0, { everyDays: "30", rotation: 1.5 });
    expect(checked.getFailuresList().map((failure: ProtoResponse) => failure.getProperty())).toEqual(["everyDays", "rotation"]);
  });

  it("answers no diff before it is due, and an update in place of rotation and its times when due", async () => {
    const stored = await createFrom(await checkAt(0, { everyDays: 30 }));
    expect(stored).toMatchObject({ rotation: 0, rotatedAt: "2030-01-01T00:00:00.000Z" });
    const { DiffChanges } = providerProto.DiffResponse;
    const early = await diff(stored, await checkAt(29, { everyDays: 30 }, stored));
    expect(early.getChanges()).toBe(DiffChanges.DIFF_NONE);
    const due = await diff(stored, await checkAt(30, { everyDays: 30 }, stored));
    expect(due.getChanges()).toBe(DiffChanges.DIFF_SOME);
    expect(due.getReplacesList()).toEqual([]);
    expect(due.getDiffsList()).toEqual(["rotation", "rotatedAt", "nextRotationAfter"]);
  });

  it("keeps a counter that came in secret secret in what it stores", async () => {
    const checked = await checkAt(0, { everyDays: 30, rotation: wrapSecret(2) });
    expect(isSecret(fromStruct(checked.getInputs()).rotation)).toBe(true);
    const stored = await createFrom(checked);
    expect(isSecret(stored.rotation)).toBe(true);
    expect(stored.everyDays).toBe(30);
  });

  it("a preview's create answers known outputs and no id; an import is refused, saying why", async () => {
    const checked = await checkAt(0, { everyDays: 1 });
    const preview = await plugin.call(
      "create",
      new providerProto.CreateRequest().setUrn(URN).setProperties(checked.getInputs()).setPreview(true),
    );
    expect(preview.getId()).toBe("");
    expect(fromStruct(preview.getProperties())).toMatchObject({ rotation: 0, nextRotationAfter: "2030-01-02T00:00:00.000Z" });
    await expect(plugin.call("read", new providerProto.ReadRequest().setUrn(URN).setId("schedule-x"))).rejects.toThrow(
      /cannot be imported/,
    );
  });
});
