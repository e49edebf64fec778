/**
 * `npx tsx bench/audit.ts`: how long `flashback-audit` takes on a repository of 1,000 keys against
 * the emulator (50 ms latency, as `npm run bench`), with two stack exports holding 900 of them
 * (450 per front's type token) and 100 left unmanaged, 20 of them leftover reservations. Runs the
 * built command (npm run build first) as a user would, 5 times, and prints each run and the median.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator } from "../emulator";
import { newReservationName } from "../provider/lifecycle/reservation";
import { MANAGED_KEY_TYPES } from "../provider/audit/stack-export";
import { median } from "./drive";

const KEYS = 1_000;
const MANAGED = 900;
const RESERVATIONS = 20;
const RUNS = 5;
const CLI = resolve(__dirname, "..", "dist", "provider", "audit", "cli.js");

async function main(): Promise<void> {
  const emulator = await startEmulator({ repos: ["repo-bench"], accessTokens: ["bench-token"] });
  emulator.faults.latencyMs = 50;
  const scratch = mkdtempSync(join(tmpdir(), "flashback-audit-bench-"));
  try {
    const ids = Array.from({ length: KEYS }, (_, index) => {
      const name = index >= KEYS - RESERVATIONS ? newReservationName("0123456789ab", 20_000) : `key-${index}`;
      return emulator.store.create("repo-bench", name, "READ", { createdAt: new Date(Date.now() - index * 3_600_000) }).stored.id;
    });
    const exports = [0, 1].map((front) => {
      const type = MANAGED_KEY_TYPES[front]!;
      const resources = ids
        .slice(0, MANAGED)
        .filter((_, index) => index % 2 === front)
        .map((id, index) => ({
          urn: `urn:pulumi:prod::bench-${front}::${type}::key-${index}`,
          type,
          id,
          outputs: { repoId: "repo-bench" },
        }));
      const file = join(scratch, `stack-${front}.json`);
      writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources } }));
      return file;
    });
    const args = [CLI, "--repo", "repo-bench", ...exports.flatMap((file) => ["--stack-export", file])];
    const env = { PATH: process.env.PATH, FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: "bench-token" };
    const times: number[] = [];
    let summary = "";
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      const stdout = await new Promise<string>((done, fail) =>
        execFile(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, out) =>
          error !== null && error.code !== 1 ? fail(error) : done(out),
        ),
      );
      times.push(performance.now() - started);
      summary = stdout.split("\n")[0] ?? "";
    }
    console.log(summary);
    console.log(
      `flashback-audit, ${KEYS} keys, 2 exports of ${MANAGED / 2} keys: ${times.map((ms) => ms.toFixed(0)).join(", ")} ms; median ${median(times).toFixed(0)} ms`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  }
}

void main();
