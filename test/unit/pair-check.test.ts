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
    const lister = { listSibling: async () => ["b-key"], replacedAnyway: async () => false };
    const first = await checks.check(STORED, unchecked(NEWS), NEWS, lister);
    expect(first.inputs.rotateWhenChanged).toBe("generation 1");
    const again = await checks.check({}, unchecked(NEWS), NEWS, lister);
    expect(again).toEqual(first);
  });

  it("makes a key new when nothing was decided for those inputs before", async () => {
    const made = await new PairChecks().check({}, unchecked(NEWS), NEWS, {
      listSibling: async () => [],
      replacedAnyway: async () => false,
    });
    expect(made.inputs.rotateWhenChanged).toBe("generation 0");
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
