import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, sep } from "node:path";

/**
 * The path of a real Pulumi CLI binary, or undefined. It never runs `pulumi` to find out: the npm
 * package of that name is a wrapper that downloads the binary on first run.
 */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.PULUMI_HOME ? join(env.PULUMI_HOME, "bin", "pulumi") : undefined,
    join(homedir(), ".pulumi", "bin", "pulumi"),
    ...(env.PATH ?? "")
      .split(delimiter)
      .filter((dir) => dir !== "" && !dir.split(sep).includes("node_modules"))
      .map((dir) => join(dir, "pulumi")),
  ];
  return candidates.find((candidate): candidate is string => candidate !== undefined && isExecutable(candidate));
}

export const NO_CLI_REASON =
  "no Pulumi CLI binary found (looked in $PULUMI_HOME/bin, ~/.pulumi/bin and $PATH outside node_modules); install it from pulumi.com/docs/install to run this suite";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
