/**
 * `npm run test:model -- [--runs N] [--stories N] [--seed S] [--minutes M]`: the protocol model
 * (test/model/protocol-model.test.ts) alone, for longer than `npm test` runs it. `--stories` is how
 * many stories each rotation world runs (a twenty-fifth of the runs unless given). The seed is random
 * unless given; fast-check prints it with any failure, so a failing run can be repeated with
 * `--seed`. `--minutes` stops the runs after that long (the totals line counts the runs made).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { runs: { type: "string" }, stories: { type: "string" }, seed: { type: "string" }, minutes: { type: "string" } },
  strict: true,
});

const env: NodeJS.ProcessEnv = { ...process.env, MODEL_RUNS: values.runs ?? "100000", MODEL_SEED: values.seed ?? "random" };
if (values.minutes !== undefined) env.MODEL_MINUTES = values.minutes;
if (values.stories !== undefined) env.MODEL_ROTATION_STORIES = values.stories;
for (const [name, value] of Object.entries({ runs: env.MODEL_RUNS, stories: values.stories, minutes: values.minutes })) {
  if (value !== undefined && !(Number(value) > 0)) throw new Error(`--${name} must be a number greater than 0; got "${value}"`);
}

const vitest = resolve(__dirname, "..", "node_modules", "vitest", "vitest.mjs");
const result = spawnSync(process.execPath, [vitest, "run", "test/model/protocol-model.test.ts"], {
  cwd: resolve(__dirname, ".."),
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
