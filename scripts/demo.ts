/**
 * `npm run demo`: the root stack (Pulumi.yaml -> examples/basic) against a local Flashback emulator,
 * with a local state backend. With a Pulumi CLI installed it runs the real `pulumi up`; without one
 * it runs the same program through the test engine in test/engine.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { findPulumiCli } from "../test/helpers/find-pulumi-cli";
import { MiniEngine } from "../test/engine/mini-engine";
import { isSecret, UNKNOWN, type Props } from "../test/engine/pulumi-internals";

const ROOT = resolve(__dirname, "..");
const WORK_DIR = join(ROOT, ".pulumi-demo");
const REPO_ID = "repo-demo";
const DEMO_TOKEN = "demo-token";

async function main(): Promise<void> {
  mkdirSync(WORK_DIR, { recursive: true });
  const cli = findPulumiCli();
  // With the CLI, the stack's state outlives this run, so the emulator keeps its keys in a file too.
  const stateFile = cli ? join(WORK_DIR, "emulator.json") : undefined;
  const emulator = await startEmulator({ repos: [REPO_ID], accessTokens: [DEMO_TOKEN], stateFile });
  try {
    if (cli) runWithCli(cli, emulator);
    else await runWithTestEngine(emulator);
  } finally {
    await emulator.close();
  }
}

function runWithCli(cli: string, emulator: RunningEmulator): void {
  console.log(
    `Pulumi CLI at ${cli}: running the demo stack with a local state backend in .pulumi-demo/ against the Flashback emulator at ${emulator.url}`,
  );
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${join(WORK_DIR, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "flashback-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    FLASHBACK_API_URL: emulator.url,
    FLASHBACK_ACCESS_TOKEN: DEMO_TOKEN,
  };
  mkdirSync(join(WORK_DIR, "state"), { recursive: true });
  const pulumi = (...args: string[]): void => {
    const result = spawnSync(cli, [...args, "--cwd", ROOT], { env, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed with exit code ${result.status}`);
  };
  pulumi("stack", "select", "--create", "dev");
  pulumi("up", "--yes");
  pulumi("stack", "output");
}

async function runWithTestEngine(emulator: RunningEmulator): Promise<void> {
  console.log(
    "No Pulumi CLI found: running the demo stack through this repository's built-in test engine (test/engine), which drives the real " +
      "Pulumi provider process and program runner but is not Pulumi's engine. For real deployments install the CLI (pulumi.com/docs/install) and run `npm run demo` again.",
  );
  console.log(`Flashback emulator: ${emulator.url}, repository ${REPO_ID}\n`);
  const engine = new MiniEngine({
    programDir: ROOT,
    main: "examples/basic/index.ts",
    project: "flashback-demo",
    stack: "dev",
    typescript: true,
    config: { "flashback-demo:repoId": REPO_ID, "flashback:apiUrl": emulator.url, "flashback:accessToken": DEMO_TOKEN },
    secretConfigKeys: ["flashback:accessToken"],
  });
  const preview = await engine.preview();
  const planned = preview.registrations.filter((registration) => registration.custom);
  console.log(
    `Preview: ${planned.length} to create (${planned.map((registration) => registration.name).join(", ")}); ${emulator.requests.length} requests sent to Flashback`,
  );
  const up = await engine.up();
  console.log(`Up: created ${engine.state.size} keys in Flashback\n`);
  console.log("Outputs:");
  console.log(JSON.stringify(maskSecrets(up.stackOutputs), null, 2));
}

/** What `pulumi stack output` shows: secret values as [secret]. */
function maskSecrets(value: unknown): unknown {
  if (isSecret(value)) return "[secret]";
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value as Props).map(([key, field]) => [key, maskSecrets(field)]));
  }
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
