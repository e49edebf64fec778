import { describe, expect, it } from "vitest";
import { PairChecks } from "../../provider/lifecycle/pair-check";

const PAIR = { slot: "a", desired: 1, deployment: "deployment-2", siblingName: "p-b" };
const NEWS = { repoId: "r", name: "p-a", accessType: "READ", pair: PAIR };
const STORED = {
  repoId: "r",
  name: "p-a",
  accessType: "READ",
  rotateWhenChanged: "generation -1",
  pair: { ...PAIR, desired: 0, deployment: "deployment-1", memory: { seenDesired: 0 } },
};
const unchecked = (news: Record<string, unknown>) => ({ inputs: { ...news }, failures: [] });

describe("the Check of a key of a RotatingRepoApiKey", () => {
  it("answers the engine's second Check of a replacement (no stored state, the same inputs) as it decided the first", async () => {
    const checks = new PairChecks();
    const lister = { listSibling: async () => [{ id: "b-key", name: "p-b" }], replacedAnyway: async () => false };
    const first = await checks.check(STORED, unchecked(NEWS), NEWS, lister);
    expect(first.inputs.rotateWhenChanged).toBe("generation 1");
    const again = await checks.check({}, unchecked(NEWS), NEWS, lister);
    expect(again).toEqual(first);
  });

  it("makes a key new when nothing was decided for those inputs before", async () => {
    const fresh = await new PairChecks().check({}, unchecked(NEWS), NEWS, {
      listSibling: async () => [],
      replacedAnyway: async () => false,
    });
    expect(fresh.inputs.rotateWhenChanged).toBe("generation 0");
  });

  it('takes an empty revokeWhenChanged (a config value declared with default "") as no revocation', async () => {
    const news = { ...NEWS, pair: { ...PAIR, desired: 0, revokeWhenChanged: "" } };
    const checked = await new PairChecks().check(STORED, unchecked(news), news, {
      listSibling: async () => [],
      replacedAnyway: async () => false,
    });
    expect(checked.inputs.rotateWhenChanged).toBe("generation -1");
  });

  it("reads which key of a pair made by the previous release is newer from when Flashback made each, and keeps the rise it comes with", async () => {
    const made = (id: string, name: string, at: string) => ({ id, name, createdAt: at });
    // a was made by the rotation a deployment after b: a is current, and the rise to 5 is b's to take.
    const oldA = { repoId: "r", name: "p-a", accessType: "READ", rotateWhenChanged: "generation 4" };
    const news = { ...NEWS, pair: { ...PAIR, desired: 5 } };
    const services = {
      listSibling: async () => [made("a-key", "p-a", "2026-12-01T10:05:00Z"), made("b-key", "p-b", "2026-11-01T10:00:00Z")],
      replacedAnyway: async () => false,
    };
    const checked = await new PairChecks().check(oldA, unchecked(news), news, services);
    expect(checked.inputs.rotateWhenChanged, "the current key a stays").toBe("generation 4");
    expect((checked.inputs.pair as { memory: unknown }).memory).toMatchObject({ olderSiblingIds: ["b-key"], seenDesired: 5 });
  });

  it("refuses to decide a rotation it cannot read the sibling for, naming why", async () => {
    const refused = await new PairChecks().check(STORED, unchecked(NEWS), NEWS, {
      listSibling: async () => {
        throw new Error("401 NO_AUTH_USER");
      },
      replacedAnyway: async () => false,
    });
    expect(refused.failures.map((failure) => failure.reason)).toEqual([expect.stringMatching(/could not read its sibling "p-b".*401/)]);
  });
});
