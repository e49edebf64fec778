import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PairWorld, type DecideKey, type DeploymentPlan } from "../model/pair-deployments";
import { decidePairKey, REVOKED_KEYS, type PairFacts } from "../../provider/rotation/key-pair-rule";

/** A user's history: moves of every kind, and breakage, on the world a rule is judged in. */
function playHistory(
  world: PairWorld,
  start: number,
  moves: Array<{ move: string; jump: number; revokeKeys: (typeof REVOKED_KEYS)[number]; fault: string }>,
): void {
  let desired = start;
  world.deploy({ desired });
  let revokes = 0;
  for (const move of moves) {
    if (move.move === "rise") desired += 1;
    if (move.move === "jump") desired += move.jump;
    if (move.move === "drop") desired = Math.max(0, desired - move.jump);
    const plan: DeploymentPlan = { desired };
    if (move.move === "revoke") plan.revoke = { keys: move.revokeKeys, request: `leak ${(revokes += 1)}` };
    if (move.fault === "failA") plan.failStep = "a";
    if (move.fault === "failB") plan.failStep = "b";
    if (move.fault === "kill") plan.killAfterA = true;
    world.deploy(plan);
    // A revocation is asked until a deployment carries it out: the user keeps it set.
    if (plan.revoke !== undefined && !world.records.at(-1)?.finished) world.deploy({ desired, revoke: plan.revoke });
  }
}

/** The release before this one: each slot's generation from the number's parity alone, a the even one, b the odd one. */
const parityRule: DecideKey = (facts: PairFacts) => {
  const { desired, slot } = facts.request;
  const even = desired % 2 === 0 ? desired : desired - 1;
  const generation = slot === "a" ? even : desired % 2 === 1 ? desired : desired - 1;
  return {
    generation,
    memory: { seenDesired: desired },
    action: facts.generation !== undefined && generation !== facts.generation ? "rotate" : "none",
  };
};

/** The rule with no memory: every Check as if the key had stored nothing. */
const forgetfulRule: DecideKey = (facts: PairFacts) => decidePairKey({ ...facts, memory: undefined });

/** A user's moves between deployments: counter rises of any size, drops (a move to or from a schedule), revocations, and breakage. */
const planArbitrary = fc.record({
  move: fc.constantFrom("same", "rise", "jump", "drop", "revoke"),
  jump: fc.integer({ min: 2, max: 9 }),
  revokeKeys: fc.constantFrom(...REVOKED_KEYS),
  fault: fc.constantFrom("none", "none", "none", "failA", "failB", "kill"),
});

describe("a RotatingRepoApiKey's pair across deployments (the real rule, the engine's order)", () => {
  it("never deletes the current key for a rotation, never rotates both, revokes what is asked, and agrees on which key is newer", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(planArbitrary, { minLength: 1, maxLength: 30 }), (start, moves) => {
        const world = new PairWorld();
        playHistory(world, start, moves);
        expect(world.findings).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["the release before this one's parity rule", parityRule],
    ["a rule that remembers nothing", forgetfulRule],
  ])("finds what %s breaks (a committed breakage: the world must see it)", (_name, broken) => {
    const found = fc.check(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(planArbitrary, { minLength: 1, maxLength: 30 }), (start, moves) => {
        const world = new PairWorld(broken);
        playHistory(world, start, moves);
        return world.findings.length === 0;
      }),
      { numRuns: 2000 },
    );
    expect(found.failed, "the world finds a broken promise").toBe(true);
  });

  it("rotates within two quiet deployments of any rise, whatever broke before", () => {
    fc.assert(
      fc.property(fc.array(planArbitrary, { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), (history, rise) => {
        const world = new PairWorld();
        let desired = 0;
        world.deploy({ desired });
        for (const move of history) {
          desired += move.move === "rise" ? 1 : 0;
          world.deploy({
            desired,
            ...(move.fault === "failB" ? { failStep: "b" as const } : {}),
            ...(move.fault === "kill" ? { killAfterA: true } : {}),
          });
        }
        world.deploy({ desired }); // settles whatever broke
        const before = world.rotations;
        desired += rise;
        world.deploy({ desired });
        world.deploy({ desired });
        expect(world.rotations - before).toBeGreaterThanOrEqual(1);
        expect(world.findings).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it("replaces only the older key when a step failed and the next period came (the failed-rotation case)", () => {
    const world = new PairWorld();
    world.deploy({ desired: 0 });
    const current = world.published;
    world.deploy({ desired: 1, failStep: "a" });
    const next = world.deploy({ desired: 2 });
    expect(next.replaced).toEqual(["a"]);
    expect(next.deleted).not.toContain(current);
    expect(world.findings).toEqual([]);
  });

  it("revokes the current key in one deployment and publishes a new current key", () => {
    const world = new PairWorld();
    world.deploy({ desired: 0 });
    world.deploy({ desired: 1 });
    const leaked = world.published as string;
    const record = world.deploy({ desired: 1, revoke: { keys: "current", request: "incident 7" } });
    expect(record.deleted).toEqual([leaked]);
    expect(world.flashback.has(leaked)).toBe(false);
    expect(world.published).not.toBe(leaked);
    expect(world.deploy({ desired: 1, revoke: { keys: "current", request: "incident 7" } }).replaced).toEqual([]);
  });

  it("rotates the older key of a pair the previous release made, at the first rise after the upgrade (b knows both generations)", () => {
    const sibling = { id: "a-key", generation: 4 };
    const request = { slot: "b" as const, desired: 5, deployment: "d", siblingName: "p-a", sibling };
    const decision = decidePairKey({ request, generation: 3, memory: undefined, replacedAnyway: false });
    expect([decision.action, decision.generation]).toEqual(["rotate", 5]);
  });

  it("replaces nothing when the number asked falls (a counter replaced by a schedule that starts at 0)", () => {
    const world = new PairWorld();
    world.deploy({ desired: 5 });
    expect(world.deploy({ desired: 0 }).replaced).toEqual([]);
    expect(world.deploy({ desired: 1 }).replaced).toHaveLength(1);
  });
});
