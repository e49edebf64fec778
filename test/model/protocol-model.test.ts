import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { runWorld } from "./run-model";
import { worldArb } from "./model-world";

/*
 * The protocol model: the real lifecycle, in several deployments at once, against an in-memory
 * Flashback on virtual time (testkit/in-memory-flashback.ts, testkit/virtual-time-scheduler.ts),
 * with kills, sleeps, skewed clocks, answer shapes and refusals as the generator chooses; after
 * each run, the README's promises (model-invariants.ts). `npm test` runs it with a fixed seed;
 * `npm run test:model -- --runs N [--seed S]` runs it longer, with a random seed unless given.
 */

const RUNS = Number(process.env.MODEL_RUNS ?? 400);
const SEED = process.env.MODEL_SEED === undefined ? 20261202 : process.env.MODEL_SEED === "random" ? Date.now() % 2 ** 31 : Number(process.env.MODEL_SEED);

const totals = { runs: 0, sequences: 0, lost: 0, orphaned: 0, duplicates: 0, exposed: 0 };

afterAll(() => {
  console.log(
    `protocol model: ${totals.runs} runs, ${totals.sequences} sequences, ${totals.lost} keys lost, ${totals.orphaned} keys orphaned, ` +
      `${totals.duplicates} duplicates, ${totals.exposed} secrets exposed`,
  );
});

it(`keeps the README's promises over ${RUNS} generated runs (seed ${SEED})`, { timeout: Math.max(180_000, RUNS * 2_000) }, async () => {
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
    { numRuns: RUNS, seed: SEED },
  );
  expect(totals.lost + totals.orphaned + totals.duplicates + totals.exposed).toBe(0);
});
