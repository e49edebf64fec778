/**
 * `npm run demo`: the root stack (Pulumi.yaml -> examples/basic) against a local Flashback emulator,
 * with a local state backend. With a Pulumi CLI installed it runs the real `pulumi up`; without one
 * it runs the same program through the test engine in testkit/engine.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { findPulumiCli } from "../testkit/find-pulumi-cli";
import { MiniEngine } from "../testkit/engine/mini-engine";
import { isSecret, UNKNOWN, type Props } from "../testkit/engine/pulumi-internals";

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
    if (cli) await runWithCli(cli, emulator);
    else await runWithTestEngine(emulator);
  } finally {
    await emulator.close();
  }
}

async function runWithCli(cli: string, emulator: RunningEmulator): Promise<void> {
  console.log(
    `Pulumi CLI at ${cli}: running the demo stack with a local state backend in .pulumi-demo/ against the Flashback emulator at ${emulator.url}`,
  );
  const env = {
    ...process.env,
    // The demo's own Pulumi home and state: nothing of the user's ~/.pulumi is read or written.
    PULUMI_HOME: join(WORK_DIR, "home"),
    PULUMI_BACKEND_URL: `file://${join(WORK_DIR, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "flashback-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    FLASHBACK_API_URL: emulator.url,
    FLASHBACK_ACCESS_TOKEN: DEMO_TOKEN,
  };
  mkdirSync(join(WORK_DIR, "state"), { recursive: true });
  // Asynchronous on purpose: the emulator answers from this process's event loop, which a
  // synchronous spawn would block for as long as `pulumi` runs.
  const pulumi = (...args: string[]): Promise<void> => {
    console.log(`\n$ pulumi ${args.join(" ")}`);
    const child = spawn(cli, [...args, "--cwd", ROOT], { env, stdio: "inherit" });
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi ${args.join(" ")} failed with exit code ${code}`))));
    });
  };
  await pulumi("stack", "select", "--create", "dev");
  await pulumi("preview");
  await pulumi("up", "--yes", "--skip-preview");
  await pulumi("stack", "output");
}

async function runWithTestEngine(emulator: RunningEmulator): Promise<void> {
  console.log(
    "No Pulumi CLI found: running the demo stack through this repository's built-in test engine (testkit/engine), which drives the real " +
      "Pulumi provider process and program runner but is not Pulumi's engine. To run the real CLI, build it with `npm run setup:pulumi` (or install it from pulumi.com/docs/install) and run `npm run demo` again.",
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
