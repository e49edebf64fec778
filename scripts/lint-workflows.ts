/*
 * `npm run lint:workflows`: actionlint, pinned in tools/actionlint and built by `npm run
 * setup:pulumi`, on every workflow in .github/workflows, with shellcheck (tools/release) on their
 * `run:` scripts. `bash .ci/run` runs it; it fails, saying so, where the set-up has not run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ACTIONLINT, SHELLCHECK } from "../testkit/release-tools";

const ROOT = join(__dirname, "..");

for (const tool of [ACTIONLINT, SHELLCHECK]) {
  if (!existsSync(tool)) {
    console.error(`lint:workflows: no ${tool}; run npm run setup:pulumi first`);
    process.exit(1);
  }
}
const result = spawnSync(ACTIONLINT, ["-shellcheck", SHELLCHECK], { cwd: ROOT, stdio: "inherit" });
if (result.status === 0) console.log("lint:workflows: every workflow in .github/workflows is clean");
process.exit(result.status ?? 1);
