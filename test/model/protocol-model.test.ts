import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { runWorld } from "./run-model";
import { worldArb } from "./model-world";
import { runRotationStory } from "./rotation-ledger";
import { rotationStoryArb } from "./rotation-world";
import { ROTATION_WORLDS } from "./rotation-worlds";

/*
 * The protocol model: the real lifecycle, in several deployments at once, against an in-memory
 * Flashback on virtual time (testkit/in-memory-flashback.ts, testkit/virtual-time-scheduler.ts),
 * with kills, sleeps, skewed clocks, answer shapes, refusals and sealed keys as the generator
 * chooses; after each run, the README's promises (model-invariants.ts). Then each rotation world
 * (rotation-worlds.ts) through generated stories, judged by rotation-ledger.ts. `npm test` runs it
 * with a fixed seed; `npm run test:model -- --runs N [--seed S] [--minutes M]` runs it longer, with
 * a random seed unless given. A "sequence" in the totals is one command driven (an up, refresh or
 * destroy, the recovery's and the final sweep's included; a rotation story's deployments too).
 */

const RUNS = Number(process.env.MODEL_RUNS ?? 50_000);
/** Stories per rotation world: each runs several deployments. */
const STORIES = Number(process.env.MODEL_ROTATION_STORIES ?? Math.max(100, Math.round(RUNS / 25)));
const SEED =
  process.env.MODEL_SEED === undefined ? 20261202 : process.env.MODEL_SEED === "random" ? randomSeed() : Number(process.env.MODEL_SEED);
const MINUTES = process.env.MODEL_MINUTES === undefined ? undefined : Number(process.env.MODEL_MINUTES);
/** Room for fast-check to shrink a failure after the runs. */
const SHRINK_ALLOWANCE_MS = 600_000;

const totals = {
  runs: 0,
  sequences: 0,
  rotations: 0,
  sealed: 0,
  lost: 0,
  orphaned: 0,
  duplicates: 0,
  exposed: 0,
  overlapsBroken: 0,
  leakedLeftValid: 0,
};

afterAll(() => {
  console.log(
    `protocol model: ${totals.runs} runs, ${totals.sequences} sequences, ${totals.rotations} rotations, ${totals.sealed} sealed keys, ` +
      `${totals.lost} keys lost, ${totals.orphaned} keys orphaned, ${totals.duplicates} duplicates, ${totals.exposed} secrets exposed, ` +
      `${totals.overlapsBroken} overlaps broken, ${totals.leakedLeftValid} leaked keys left valid`,
  );
});

const budgetMs = MINUTES === undefined ? Math.max(180_000, RUNS * 20) : MINUTES * 60_000;
const timeLimit = MINUTES === undefined ? {} : { plugins: [fc.interruptAfterTimeLimit(MINUTES * 60_000)] };

it(`keeps the README's promises over ${RUNS} generated runs (seed ${SEED})`, { timeout: budgetMs + SHRINK_ALLOWANCE_MS }, async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, async (world) => {
      const verdict = await runWorld(world);
      totals.runs += 1;
      totals.sequences += verdict.commands;
      totals.sealed += verdict.counts.sealed;
      totals.lost += verdict.counts.lost;
      totals.orphaned += verdict.counts.orphaned;
      totals.duplicates += verdict.counts.duplicates;
      totals.exposed += verdict.counts.exposed;
      if (verdict.findings.length > 0) {
        throw new Error(`${verdict.findings.join("\n")}\n--- the run, step by step ---\n${verdict.log.join("\n")}`);
      }
    }),
    { numRuns: RUNS, seed: SEED, ...timeLimit },
  );
  expect(totals.lost + totals.orphaned + totals.duplicates + totals.exposed).toBe(0);
  // The generator seals one key in twenty-four: a few hundred runs seal some, or sealing went untested.
  if (totals.runs >= 500) expect(totals.sealed).toBeGreaterThan(0);
});

describe.skipIf(ROTATION_WORLDS.length === 0)("rotation worlds", () => {
  it.each(ROTATION_WORLDS.map((factory) => ({ name: factory.name, factory })))(
    `$name keeps the pair's promise over ${STORIES} generated stories (seed ${SEED})`,
    { timeout: budgetMs + SHRINK_ALLOWANCE_MS },
    async ({ factory }) => {
      await fc.assert(
        fc.asyncProperty(rotationStoryArb, async (moves) => {
          const story = await runRotationStory(factory, moves);
          totals.runs += 1;
          totals.sequences += story.deployments;
          totals.rotations += story.counts.rotations;
          totals.overlapsBroken += story.counts.overlapsBroken;
          totals.leakedLeftValid += story.counts.leakedLeftValid;
          if (story.findings.length > 0) throw new Error(story.findings.join("\n"));
        }),
        { numRuns: STORIES, seed: SEED, ...timeLimit },
      );
      expect(totals.overlapsBroken + totals.leakedLeftValid).toBe(0);
    },
  );
});

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
