import { accessSync, constants, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve, sep } from "node:path";

const ROOT = resolve(__dirname, "..");

/** The Go module that pins the CLI: its go.mod is the one place the version is written. */
export const TOOLS_MODULE_DIR = join(ROOT, "tools", "pulumi");
/** The Go module that pins Pulumi's YAML language host (tools/pulumi-yaml/tools.go says why it is apart). */
export const YAML_HOST_MODULE_DIR = join(ROOT, "tools", "pulumi-yaml");

/** Where `npm run setup:pulumi` installs the CLI it builds, beside its plugins. */
export const LOCAL_CLI_BIN = join(ROOT, ".pulumi-cli", "bin");
/** The virtual environment `npm run setup:pulumi` makes for the Python programs, with the pinned `pulumi` package. */
export const PYTHON_VENV = join(ROOT, ".pulumi-cli", "python");

/** `text` matched literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The directories of a PATH outside any node_modules: npm puts package scripts there (this package's own plugin script, the `pulumi` wrapper that downloads). */
export function pathDirsOutsideNodeModules(path: string = process.env.PATH ?? ""): string[] {
  return path.split(delimiter).filter((dir) => dir !== "" && !dir.split(sep).includes("node_modules"));
}

/** The version of `modulePath` that the go.mod in `moduleDir` requires: the one place each version is written. */
export function requiredVersion(moduleDir: string, modulePath: string): string {
  const version = new RegExp(`${escapeRegExp(modulePath)} (v\\S+)`).exec(readFileSync(join(moduleDir, "go.mod"), "utf8"))?.[1];
  if (version === undefined) throw new Error(`${join(moduleDir, "go.mod")} requires no ${modulePath}`);
  return version;
}

/** The CLI version the suites run with, as tools/pulumi/go.mod requires it. */
export const PULUMI_CLI_VERSION = requiredVersion(TOOLS_MODULE_DIR, "github.com/pulumi/pulumi/pkg/v3");

/** The Go module that pins the oldest CLI this package supports (its tools.go says why that one). */
export const OLDEST_CLI_MODULE_DIR = join(ROOT, "tools", "pulumi-oldest");
/** Where `npm run setup:pulumi` builds the oldest CLI, beside plugins of its own: apart from the newest. */
export const OLDEST_CLI_BIN = join(ROOT, ".pulumi-cli", "oldest", "bin");
export const OLDEST_PULUMI_CLI_VERSION = requiredVersion(OLDEST_CLI_MODULE_DIR, "github.com/pulumi/pulumi/pkg/v3");
/** `FLASHBACK_PULUMI_CLI=oldest`: the suites run on the oldest supported CLI, and on no other. */
export const wantsOldestCli = (env: NodeJS.ProcessEnv = process.env): boolean => env.FLASHBACK_PULUMI_CLI === "oldest";

/**
 * A real Pulumi CLI binary installed on this machine by someone else (Pulumi's installer, a package
 * manager), or undefined. It never runs `pulumi` to find out: the npm package of that name is a
 * wrapper that downloads the binary on first run.
 */
export function findInstalledPulumiCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.PULUMI_HOME ? join(env.PULUMI_HOME, "bin", "pulumi") : undefined,
    join(homedir(), ".pulumi", "bin", "pulumi"),
    ...pathDirsOutsideNodeModules(env.PATH)
      .filter((dir) => resolve(dir) !== LOCAL_CLI_BIN)
      .map((dir) => join(dir, "pulumi")),
  ];
  return candidates.find((candidate): candidate is string => candidate !== undefined && isExecutable(candidate));
}

/**
 * The CLI the suites, the demo and the bench run: one installed on the machine, else the one
 * `setup:pulumi` built; with FLASHBACK_PULUMI_CLI=oldest, the oldest one it built.
 */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  // For the tests of what runs without a CLI (the demo's test-engine path) on a machine that has one.
  if (env.FLASHBACK_IGNORE_PULUMI_CLI === "true") return undefined;
  if (wantsOldestCli(env)) return isExecutable(join(OLDEST_CLI_BIN, "pulumi")) ? join(OLDEST_CLI_BIN, "pulumi") : undefined;
  const local = join(LOCAL_CLI_BIN, "pulumi");
  return findInstalledPulumiCli(env) ?? (isExecutable(local) ? local : undefined);
}

/**
 * How a suite that needs the real CLI starts: skipped, with the reason in its title, where no CLI is
 * found; under CI=true never skipped, so that its first step fails with the reason instead.
 */
export function realCliSuite(title: string, options: { languageHost?: string } = {}): { skip: boolean; title: string } {
  const cli = findPulumiCli();
  const reason =
    cli === undefined
      ? wantsOldestCli()
        ? `FLASHBACK_PULUMI_CLI=oldest, and no pulumi ${OLDEST_PULUMI_CLI_VERSION} in ${OLDEST_CLI_BIN}; run npm run setup:pulumi to build it`
        : NO_CLI_REASON
      : options.languageHost !== undefined && findLanguageHost(cli, options.languageHost) === undefined
        ? `no pulumi-language-${options.languageHost} beside ${cli} or on $PATH; run npm run setup:pulumi to build it`
        : undefined;
  const skip = reason !== undefined && process.env.CI !== "true";
  return { skip, title: skip ? `${title} — skipped: ${reason}` : title };
}

/** A language host as the CLI looks for it: beside the CLI binary, then on the PATH. */
export function findLanguageHost(cli: string, language: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = `pulumi-language-${language}`;
  const candidates = [
    join(dirname(cli), name),
    ...(env.PATH ?? "")
      .split(delimiter)
      .filter((dir) => dir !== "")
      .map((dir) => join(dir, name)),
  ];
  return candidates.find(isExecutable);
}

export const NO_CLI_REASON =
  "no Pulumi CLI binary found (looked in $PULUMI_HOME/bin, ~/.pulumi/bin, $PATH outside node_modules and .pulumi-cli/bin); run npm run setup:pulumi to build one";

/** Whether `path` is a file this process may run. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
