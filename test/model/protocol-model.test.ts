import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { runWorld } from "./run-model";
import { worldArb } from "./model-world";

/*
 * The protocol model: the real lifecycle, in several deployments at once, against an in-memory
 * Flashback on virtual time (testkit/in-memory-flashback.ts, testkit/virtual-time-scheduler.ts),
 * with kills, sleeps, skewed clocks, answer shapes and refusals as the generator chooses; after
 * each run, the README's promises (model-invariants.ts). `npm test` runs it with a fixed seed, for
 * about a minute on 2 cores; `npm run test:model -- --runs N [--seed S] [--minutes M]` runs it
 * longer, with a random seed unless given. A "sequence" in the totals is one command driven (an
 * up, refresh or destroy, the recovery's and the final sweep's included).
 */

const RUNS = Number(process.env.MODEL_RUNS ?? 50_000);
const SEED =
  process.env.MODEL_SEED === undefined ? 20261202 : process.env.MODEL_SEED === "random" ? randomSeed() : Number(process.env.MODEL_SEED);
const MINUTES = process.env.MODEL_MINUTES === undefined ? undefined : Number(process.env.MODEL_MINUTES);
/** Room for fast-check to shrink a failure after the runs. */
const SHRINK_ALLOWANCE_MS = 600_000;

const totals = { runs: 0, sequences: 0, lost: 0, orphaned: 0, duplicates: 0, exposed: 0 };

afterAll(() => {
  console.log(
    `protocol model: ${totals.runs} runs, ${totals.sequences} sequences, ${totals.lost} keys lost, ${totals.orphaned} keys orphaned, ` +
      `${totals.duplicates} duplicates, ${totals.exposed} secrets exposed`,
  );
});

const budgetMs = MINUTES === undefined ? Math.max(180_000, RUNS * 20) : MINUTES * 60_000;

it(`keeps the README's promises over ${RUNS} generated runs (seed ${SEED})`, { timeout: budgetMs + SHRINK_ALLOWANCE_MS }, async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, async (world) => {
      const verdict = await runWorld(world);
      totals.runs += 1;
      totals.sequences += verdict.commands;
      totals.lost += verdict.counts.lost;
      totals.orphaned += verdict.counts.orphaned;
      totals.duplicates += verdict.counts.duplicates;
      totals.exposed += verdict.counts.exposed;
      if (verdict.findings.length > 0) {
        throw new Error(`${verdict.findings.join("\n")}\n--- the run, step by step ---\n${verdict.log.join("\n")}`);
      }
    }),
    { numRuns: RUNS, seed: SEED, ...(MINUTES === undefined ? {} : { plugins: [fc.interruptAfterTimeLimit(MINUTES * 60_000)] }) },
  );
  expect(totals.lost + totals.orphaned + totals.duplicates + totals.exposed).toBe(0);
});

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
