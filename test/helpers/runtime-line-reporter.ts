import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import type { Reporter } from "vitest/node" with { "resolution-mode": "import" };
import { findPulumiCli } from "../../testkit/find-pulumi-cli";

const REPO_ROOT = resolve(__dirname, "../..");

/** One line of a child's stdout, or what kept it from answering. */
function ask(command: string, args: string[]): string {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    timeout: 60_000,
  });
  if (result.error !== undefined) return `unknown (${result.error.message})`;
  return result.status === 0 ? result.stdout.trim() : `unknown (${command} exited with ${result.status})`;
}

/**
 * What the suites ran on, each asked of a child process: the `node` first on the PATH (the one
 * the dynamic provider and the programs start), the `@pulumi/pulumi` that node resolves from the
 * repository (the one the programs load) and the CLI's own `pulumi version`.
 */
export function measuredRuntime(): string {
  const answer = ask("node", ["-p", 'process.version + " " + require("@pulumi/pulumi/package.json").version']);
  const [, node = answer, sdk = "unknown"] = /^(v\S+) (\S+)$/.exec(answer) ?? [];
  const cli = findPulumiCli();
  const pulumi = cli === undefined ? "none (no CLI found)" : ask(cli, ["version"]);
  return `runtime: node ${node}, pulumi ${pulumi}, @pulumi/pulumi ${sdk}`;
}

/** Prints `runtime: node vX.Y.Z, pulumi vX.Y.Z, @pulumi/pulumi X.Y.Z` as the run ends, above the closing line. */
export default class RuntimeLineReporter implements Reporter {
  onTestRunEnd(): void {
    process.stdout.write(`\n${measuredRuntime()}\n`);
  }
}
