/**
 * `npm run setup:pulumi`: the Pulumi CLI that the real-CLI suites, the demo and the bench run,
 * built from the Go module in tools/pulumi (its go.mod and go.sum pin the version), into
 * .pulumi-cli/bin beside the Node.js, Python and Go language hosts (tools/pulumi/language-host),
 * the dynamic-provider plugin, Pulumi's YAML language host (from tools/pulumi-yaml) and gen-sdk;
 * and a Python virtual environment with the pinned `pulumi` package (tools/pulumi/requirements.txt)
 * for the Python programs; then what the release rehearsal and the workflow lint run: verdaccio,
 * pypiserver and twine (tools/release) and actionlint (tools/actionlint); last, the oldest CLI
 * supported (tools/pulumi-oldest) into .pulumi-cli/oldest/bin, which a smoke set also runs on.
 *
 * - `--demo`: only what the demo needs, the CLI and the Node.js host beside it (steps 1 to 3); the
 *   YAML host, gen-sdk, the Python environment and the Go warm-up wait for the first `npm test`.
 * - `--if-go`: where Go is not on the PATH, say so and succeed, so that `npm run demo` runs through
 *   the test engine and `npm test` skips the real-CLI suites with that reason (under CI=true it fails).
 * - A real CLI already installed elsewhere (~/.pulumi/bin, $PATH) is used as it is: nothing is built.
 * - A second run with everything in place only checks `pulumi version`, and says so.
 * - Go missing, or the module proxy refusing a module, is one line naming what is missing.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  findInstalledPulumiCli,
  LOCAL_CLI_BIN,
  OLDEST_CLI_BIN,
  OLDEST_CLI_MODULE_DIR,
  OLDEST_PULUMI_CLI_VERSION,
  PULUMI_CLI_VERSION,
  requiredVersion,
  PYTHON_VENV,
  TOOLS_MODULE_DIR,
  YAML_HOST_MODULE_DIR,
} from "../testkit/find-pulumi-cli";
import {
  ACTIONLINT,
  ACTIONLINT_MODULE_DIR,
  RELEASE_PYTHON,
  RELEASE_PYTHON_VENV,
  RELEASE_TOOLS_SOURCE,
  VERDACCIO_DIR,
} from "../testkit/release-tools";
import { describeMachine } from "../testkit/machine";
import { bundleStandInHosts, STAND_IN_LANGUAGES, type StandInLanguage } from "../testkit/stand-in-hosts";

const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const YAML_HOST_PACKAGE = "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml";
const YAML_HOST_VERSION = requiredVersion(YAML_HOST_MODULE_DIR, "github.com/pulumi/pulumi-yaml");
const YAML_HOST = join(LOCAL_CLI_BIN, "pulumi-language-yaml");
/** tools/pulumi/gen-sdk: SDKs from the plugin's schema with the CLI's own code generators (its package comment says why). */
const GEN_SDK_PACKAGE = "./gen-sdk";
const GEN_SDK = join(LOCAL_CLI_BIN, "gen-sdk");
const PYTHON_VENV_PYTHON = join(PYTHON_VENV, "bin", "python");
const VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const YAML_HOST_VERSION_VARIABLE = "github.com/pulumi/pulumi-yaml/pkg/version.Version";
/** `go install` of a Pulumi binary as Pulumi's releases build it, its version stamped into `versionVariable`. */
const releaseInstall = (goPackage: string, versionVariable: string, version: string): string[] => {
  const ldflags = `-X ${versionVariable}=${version}`;
  return ["install", "-trimpath", "-tags", "osusergo,grpcnotrace", "-ldflags", ldflags, goPackage];
};
const ROOT = join(__dirname, "..");
/** The stand-in hosts' bundles, out of the package's build (testkit/stand-in-hosts.ts). */
const STAND_IN_HOSTS_JS = join(LOCAL_CLI_BIN, "..", "language-host");
/**
 * A language host's wrapper runs this; the host reports the CLI's version as its own and generates
 * SDKs with gen-sdk. It names this Node.js by its path, as Pulumi's hosts are executables of their
 * own: a PATH without `node` (the release suites', so that the plugin cannot lean on one) still runs them.
 */
const hostCommand = (language: StandInLanguage, cliVersion = PULUMI_CLI_VERSION): string =>
  `FLASHBACK_PULUMI_CLI_VERSION=${cliVersion} FLASHBACK_GEN_SDK="${GEN_SDK}" exec "${process.execPath}" "${join(STAND_IN_HOSTS_JS, `${language}.js`)}"`;
const PYTHON_REQUIREMENTS = join(TOOLS_MODULE_DIR, "requirements.txt");
const PYTHON_SDK_VERSION = /^pulumi==(\S+)/m.exec(readFileSync(PYTHON_REQUIREMENTS, "utf8"))?.[1] ?? "";
const DYNAMIC_PROVIDER_PLUGIN = require.resolve("@pulumi/pulumi/pulumi-resource-pulumi-nodejs");

const step = (text: string): void => console.log(`setup:pulumi: ${text}`);

const DEMO_ONLY = process.argv.includes("--demo");
const GO_OPTIONAL = process.argv.includes("--if-go") && process.env.CI !== "true";
const STEPS = DEMO_ONLY ? 3 : 10;
let stepsTaken = 0;
/** Each step taken and how long it took, written to SETUP_TIMES at the end. */
const stepTimes: { step: string; seconds: number }[] = [];
/** The next numbered step: what it does and what it costs cold and warm, then how long it took. */
async function nextStep(text: string, work: () => void | Promise<void>): Promise<void> {
  const number = `[${(stepsTaken += 1)}/${STEPS}]`;
  step(`${number} ${text}`);
  const started = Date.now();
  await work();
  step(`${number} done in ${seconds(started)}`);
  stepTimes.push({ step: `${number} ${text.replace(/ \([^()]*cold:[^()]*\)$/, "")}`, seconds: Math.round((Date.now() - started) / 1000) });
}

/** Where the set-up's measured times go (CONTRIBUTING.md points there): the last run that took a step, on this machine. */
const SETUP_TIMES = join(ROOT, "bench", "results", "setup");

function recordStepTimes(totalSeconds: number): void {
  if (stepTimes.length === 0) return;
  const command = `npm run setup:pulumi${DEMO_ONLY ? " -- --demo" : ""}`;
  const date = new Date().toISOString();
  const machine = describeMachine();
  const rows = stepTimes.map(({ step: what, seconds: taken }) => `| ${what.replaceAll("|", "\\|")} | ${taken} |`);
  const markdown = [
    `Made by \`${command}\` on ${date}. Machine: ${machine}.`,
    "",
    "| step | seconds |",
    "|---|---|",
    ...rows,
    "",
    `Set-up took ${totalSeconds} s.`,
  ];
  mkdirSync(dirname(SETUP_TIMES), { recursive: true });
  writeFileSync(`${SETUP_TIMES}.md`, `${markdown.join("\n")}\n`);
  writeFileSync(`${SETUP_TIMES}.json`, JSON.stringify({ command, date, machine, steps: stepTimes, totalSeconds }, null, 2));
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(0)} s`;

function fail(message: string): never {
  console.error(`setup:pulumi: ${message}`);
  process.exit(1);
}

function cliVersion(binary: string): string | undefined {
  const result = spawnSync(binary, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Plugins the CLI finds beside itself: the stand-in language hosts and the dynamic provider's plugin. */
function installPlugins(bin = LOCAL_CLI_BIN, cliVersion = PULUMI_CLI_VERSION): void {
  mkdirSync(bin, { recursive: true });
  for (const language of STAND_IN_LANGUAGES) {
    const host = join(bin, `pulumi-language-${language}`);
    writeFileSync(host, `#!/bin/sh\n${hostCommand(language, cliVersion)} "$@"\n`);
    chmodSync(host, 0o755);
  }
  const provider = join(bin, "pulumi-resource-pulumi-nodejs");
  copyFileSync(DYNAMIC_PROVIDER_PLUGIN, provider);
  chmodSync(provider, 0o755);
}

function pluginsInPlace(): boolean {
  return (
    STAND_IN_LANGUAGES.every((language) => {
      const host = join(LOCAL_CLI_BIN, `pulumi-language-${language}`);
      return existsSync(host) && readFileSync(host, "utf8").includes(hostCommand(language));
    }) && existsSync(join(LOCAL_CLI_BIN, "pulumi-resource-pulumi-nodejs"))
  );
}

function pythonSdkInPlace(): boolean {
  const result = spawnSync(PYTHON_VENV_PYTHON, ["-c", "import pulumi._version as v; print(v._VERSION)"], { encoding: "utf8" });
  return result.status === 0 && result.stdout.trim() === PYTHON_SDK_VERSION;
}

/** Runs a set-up command with its output shown; a failure ends the set-up, naming it. */
function run(command: string, args: string[], cwd?: string): void {
  const result = spawnSync(command, args, { stdio: "inherit", cwd });
  if (result.error !== undefined || result.status !== 0) {
    fail(`${command} ${args.join(" ")} failed${result.error ? `: ${result.error.message}` : ` (exit ${result.status})`}`);
  }
}

/** The virtual environment the Python programs name in their Pulumi.yaml, with the pinned `pulumi` from the package index. */
function preparePythonVenv(): void {
  if (!existsSync(PYTHON_VENV_PYTHON)) run("python3", ["-m", "venv", PYTHON_VENV]);
  run(PYTHON_VENV_PYTHON, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", PYTHON_REQUIREMENTS]);
}

/** The pins of the rehearsal's registries, as installed: a change to any of them installs them again. */
const RELEASE_PINS = ["package-lock.json", "requirements.txt", "requirements-dev.txt"];
const RELEASE_PINS_STAMP = join(VERDACCIO_DIR, "..", "installed-pins.txt");
const releasePins = (): string => RELEASE_PINS.map((file) => readFileSync(join(RELEASE_TOOLS_SOURCE, file), "utf8")).join("\n");

function releaseRegistriesInPlace(): boolean {
  return existsSync(RELEASE_PINS_STAMP) && readFileSync(RELEASE_PINS_STAMP, "utf8") === releasePins() && existsSync(RELEASE_PYTHON);
}

/** verdaccio from its lockfile (no install scripts run), and a virtual environment with pypiserver and twine. */
function installReleaseRegistries(): void {
  mkdirSync(VERDACCIO_DIR, { recursive: true });
  for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(RELEASE_TOOLS_SOURCE, file), join(VERDACCIO_DIR, file));
  run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], VERDACCIO_DIR);
  if (!existsSync(RELEASE_PYTHON)) run("python3", ["-m", "venv", RELEASE_PYTHON_VENV]);
  const requirements = join(RELEASE_TOOLS_SOURCE, "requirements-dev.txt");
  run(RELEASE_PYTHON, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements]);
  writeFileSync(RELEASE_PINS_STAMP, releasePins());
}

const ACTIONLINT_VERSION = requiredVersion(ACTIONLINT_MODULE_DIR, "github.com/rhysd/actionlint");

function actionlintInPlace(): boolean {
  const result = spawnSync(ACTIONLINT, ["-version"], { encoding: "utf8" });
  return result.status === 0 && result.stdout.split("\n")[0] === ACTIONLINT_VERSION;
}

/** The Go program of the real-CLI suites; its go.mod and go.sum pin what every Go program here builds on. */
const GO_PROGRAM_DIR = join(ROOT, "test", "e2e", "programs", "go");

/**
 * Compiles, once, what the Go programs of the suites and examples build on (the Go SDK, gRPC), into
 * Go's build cache: a cold first `go build` takes minutes on 2 cores, longer than a test step may,
 * and two suites starting it at once took twice that. A module of the program's own go.mod and
 * go.sum, without its generated SDK, so that the same versions are compiled with the same flags.
 */
async function warmGoPrograms(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "flashback-go-warm-"));
  try {
    for (const file of ["go.mod", "go.sum"]) copyFileSync(join(GO_PROGRAM_DIR, file), join(scratch, file));
    const sdk = /^\s*(github\.com\/\S+\/sdk\/go)\s/m.exec(readFileSync(join(scratch, "go.mod"), "utf8"))?.[1];
    if (sdk !== undefined) await go(["mod", "edit", `-droprequire=${sdk}`, `-dropreplace=${sdk}`], "preparing the Go warm-up", scratch);
    writeFileSync(
      join(scratch, "main.go"),
      'package main\n\nimport (\n\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"\n\t_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"\n)\n\nfunc main() { pulumi.Run(func(*pulumi.Context) error { return nil }) }\n',
    );
    await go(["build", "-mod=mod", "-o", join(scratch, "warm"), "."], "compiling the Go SDK the Go programs build on", scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs `go`, streaming its progress; on failure, the one line that names the refused module. */
function go(args: string[], what: string, moduleDir = TOOLS_MODULE_DIR, bin = LOCAL_CLI_BIN): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn("go", args, {
      cwd: moduleDir,
      env: { ...process.env, GOBIN: bin },
      stdio: ["ignore", "inherit", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) =>
      fail(
        error.code === "ENOENT" ? "go is not on the PATH: install Go 1.26 or newer, then run npm run setup:pulumi again" : error.message,
      ),
    );
    child.on("exit", (code) => {
      if (code === 0) return resolve();
      const refused = /([\w./-]+)@(v[\w.+-]+): reading \S+: (\d{3} [\w ]+)/.exec(stderr);
      if (refused) fail(`the Go module proxy refused ${refused[1]} ${refused[2]} (${refused[3]}) while ${what}`);
      fail(`${what} failed (go exited with ${code}); its output is above`);
    });
  });
}

async function main(): Promise<void> {
  const elsewhere = findInstalledPulumiCli();
  if (elsewhere !== undefined) {
    step(`using the Pulumi CLI already installed at ${elsewhere} (${cliVersion(elsewhere) ?? "version unknown"}); nothing to build`);
    // The Python programs name this virtual environment whichever CLI and language host run them.
    if (!pythonSdkInPlace()) {
      step(`a Python virtual environment in ${PYTHON_VENV} with pulumi ${PYTHON_SDK_VERSION}`);
      preparePythonVenv();
    }
    if (!releaseRegistriesInPlace()) {
      step("the release rehearsal's registries: verdaccio, pypiserver and twine");
      installReleaseRegistries();
    }
    return;
  }
  const binary = join(LOCAL_CLI_BIN, "pulumi");
  await bundleStandInHosts(STAND_IN_HOSTS_JS);
  const cliInPlace = cliVersion(binary) === PULUMI_CLI_VERSION && pluginsInPlace();
  const suitesInPlace =
    existsSync(YAML_HOST) && existsSync(GEN_SDK) && pythonSdkInPlace() && releaseRegistriesInPlace() && actionlintInPlace();
  if (cliInPlace && (DEMO_ONLY || (suitesInPlace && oldestCliInPlace()))) {
    step(`pulumi ${PULUMI_CLI_VERSION} is already in ${LOCAL_CLI_BIN}; nothing to do`);
    return;
  }
  if (spawnSync("go", ["version"]).error !== undefined) {
    if (!GO_OPTIONAL) fail("go is not on the PATH: install Go 1.26 or newer, then run npm run setup:pulumi again");
    step("go is not on the PATH, so no Pulumi CLI is built: the demo runs through the test engine, the real-CLI suites skip");
    return;
  }
  const started = Date.now();
  if (cliInPlace) {
    step(`pulumi ${PULUMI_CLI_VERSION} and its Node.js host are already in ${LOCAL_CLI_BIN} (steps 1 to 3)`);
    stepsTaken = 3;
  } else {
    await nextStep(
      `downloading the Go modules of pulumi ${PULUMI_CLI_VERSION} (go mod download, about 1 GB; cold: 11 s on a fast network, minutes on a slow one)`,
      () => go(["mod", "download"], `downloading the modules of pulumi ${PULUMI_CLI_VERSION}`),
    );
    await nextStep(`compiling pulumi ${PULUMI_CLI_VERSION} into ${LOCAL_CLI_BIN} (cold: about 5 minutes on 2 cores; warm: seconds)`, () =>
      go(releaseInstall(CLI_PACKAGE, VERSION_VARIABLE, PULUMI_CLI_VERSION), `compiling pulumi ${PULUMI_CLI_VERSION}`),
    );
    await nextStep("installing the Node.js, Python and Go language hosts and the dynamic-provider plugin beside it", installPlugins);
  }
  if (!DEMO_ONLY) await setUpForTheSuites();
  const installed = cliVersion(binary);
  if (installed !== PULUMI_CLI_VERSION) fail(`the built CLI reports ${installed ?? "no version"} instead of ${PULUMI_CLI_VERSION}`);
  step(`pulumi ${installed} ready in ${LOCAL_CLI_BIN} (${seconds(started)})`);
  recordStepTimes(Math.round((Date.now() - started) / 1000));
}

/** What only the suites need: Pulumi's YAML host, gen-sdk, the Python programs' environment, the Go programs' build. */
async function setUpForTheSuites(): Promise<void> {
  await nextStep(`compiling Pulumi's YAML language host ${YAML_HOST_VERSION} beside it (cold: about a minute; warm: seconds)`, () =>
    go(
      releaseInstall(YAML_HOST_PACKAGE, YAML_HOST_VERSION_VARIABLE, YAML_HOST_VERSION),
      `compiling pulumi-language-yaml ${YAML_HOST_VERSION}`,
      YAML_HOST_MODULE_DIR,
    ),
  );
  await nextStep("compiling gen-sdk, the SDK generator for Python and Go, beside it (cold: about 30 s; warm: seconds)", () =>
    go(["install", "-trimpath", GEN_SDK_PACKAGE], "compiling gen-sdk"),
  );
  await nextStep(
    `a Python virtual environment in ${PYTHON_VENV} with pulumi ${PYTHON_SDK_VERSION} (cold: about 15 s; warm: seconds)`,
    preparePythonVenv,
  );
  await nextStep("compiling the Go SDK the Go programs build on, into Go's build cache (cold: about 100 s; warm: seconds)", warmGoPrograms);
  await nextStep(
    `the release rehearsal's registries in ${join(VERDACCIO_DIR, "..")}: verdaccio, pypiserver and twine (cold: about 30 s; warm: seconds)`,
    installReleaseRegistries,
  );
  await nextStep(
    `compiling actionlint ${ACTIONLINT_VERSION}, the workflows' linter, beside the CLI (cold: about 15 s; warm: seconds)`,
    () =>
      go(
        ["install", "-trimpath", "github.com/rhysd/actionlint/cmd/actionlint"],
        `compiling actionlint ${ACTIONLINT_VERSION}`,
        ACTIONLINT_MODULE_DIR,
      ),
  );
  await nextStep(
    `compiling pulumi ${OLDEST_PULUMI_CLI_VERSION}, the oldest CLI supported, into ${OLDEST_CLI_BIN} for the smoke set (cold: about 5 minutes on 2 cores; warm: seconds)`,
    installOldestCli,
  );
}

const OLDEST_CLI = join(OLDEST_CLI_BIN, "pulumi");
const OLDEST_YAML_HOST = join(OLDEST_CLI_BIN, "pulumi-language-yaml");

function oldestCliInPlace(): boolean {
  return cliVersion(OLDEST_CLI) === OLDEST_PULUMI_CLI_VERSION && existsSync(OLDEST_YAML_HOST);
}

/** The oldest CLI, from its own Go module, with plugins of its own beside it: the same hosts, reporting its version. */
async function installOldestCli(): Promise<void> {
  const what = `compiling pulumi ${OLDEST_PULUMI_CLI_VERSION}`;
  await go(releaseInstall(CLI_PACKAGE, VERSION_VARIABLE, OLDEST_PULUMI_CLI_VERSION), what, OLDEST_CLI_MODULE_DIR, OLDEST_CLI_BIN);
  installPlugins(OLDEST_CLI_BIN, OLDEST_PULUMI_CLI_VERSION);
  rmSync(OLDEST_YAML_HOST, { force: true });
  symlinkSync(YAML_HOST, OLDEST_YAML_HOST);
}

void main();
