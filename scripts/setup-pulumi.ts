/**
 * `npm run setup:pulumi`: the Pulumi CLI that the real-CLI suites, the demo and the bench run,
 * built from the Go module in tools/pulumi (its go.mod and go.sum pin the version), into
 * .pulumi-cli/bin beside the Node.js language host, the dynamic-provider plugin and Pulumi's YAML
 * language host (from tools/pulumi-yaml).
 *
 * - A real CLI already installed elsewhere (~/.pulumi/bin, $PATH) is used as it is: nothing is built.
 * - A second run with everything in place only checks `pulumi version`, and says so.
 * - Go missing, or the module proxy refusing a module, is one line naming what is missing.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  findInstalledPulumiCli,
  LOCAL_CLI_BIN,
  PULUMI_CLI_VERSION,
  requiredVersion,
  TOOLS_MODULE_DIR,
  YAML_HOST_MODULE_DIR,
} from "../test/helpers/find-pulumi-cli";

const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const YAML_HOST_PACKAGE = "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml";
const YAML_HOST_VERSION = requiredVersion(YAML_HOST_MODULE_DIR, "github.com/pulumi/pulumi-yaml");
const YAML_HOST = join(LOCAL_CLI_BIN, "pulumi-language-yaml");
/** tools/pulumi/gen-sdk: SDKs from the plugin's schema with the CLI's own code generators (its package comment says why). */
const GEN_SDK_PACKAGE = "./gen-sdk";
const GEN_SDK = join(LOCAL_CLI_BIN, "gen-sdk");
const VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const ROOT = join(__dirname, "..");
const LANGUAGE_HOST_JS = join(ROOT, "dist", "tools", "pulumi", "nodejs-language-host.js");
/** The language host's wrapper runs this; the host reports the CLI's version as its own. */
const HOST_COMMAND = `FLASHBACK_PULUMI_CLI_VERSION=${PULUMI_CLI_VERSION} exec node "${LANGUAGE_HOST_JS}"`;
const DYNAMIC_PROVIDER_PLUGIN = require.resolve("@pulumi/pulumi/pulumi-resource-pulumi-nodejs");

const step = (text: string): void => console.log(`setup:pulumi: ${text}`);

function fail(message: string): never {
  console.error(`setup:pulumi: ${message}`);
  process.exit(1);
}

function cliVersion(binary: string): string | undefined {
  const result = spawnSync(binary, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Plugins the CLI finds beside itself: the Node.js language host and the dynamic provider's plugin. */
function installPlugins(): void {
  mkdirSync(LOCAL_CLI_BIN, { recursive: true });
  const host = join(LOCAL_CLI_BIN, "pulumi-language-nodejs");
  writeFileSync(host, `#!/bin/sh\n${HOST_COMMAND} "$@"\n`);
  chmodSync(host, 0o755);
  const provider = join(LOCAL_CLI_BIN, "pulumi-resource-pulumi-nodejs");
  copyFileSync(DYNAMIC_PROVIDER_PLUGIN, provider);
  chmodSync(provider, 0o755);
}

function pluginsInPlace(): boolean {
  const host = join(LOCAL_CLI_BIN, "pulumi-language-nodejs");
  return (
    existsSync(host) &&
    readFileSync(host, "utf8").includes(HOST_COMMAND) &&
    existsSync(join(LOCAL_CLI_BIN, "pulumi-resource-pulumi-nodejs"))
  );
}

/** Runs `go`, streaming its progress; on failure, the one line that names the refused module. */
function go(args: string[], what: string, moduleDir = TOOLS_MODULE_DIR): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn("go", args, {
      cwd: moduleDir,
      env: { ...process.env, GOBIN: LOCAL_CLI_BIN },
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
    return;
  }
  const binary = join(LOCAL_CLI_BIN, "pulumi");
  if (!existsSync(LANGUAGE_HOST_JS)) fail(`${LANGUAGE_HOST_JS} is missing: run npm run build first`);
  if (cliVersion(binary) === PULUMI_CLI_VERSION && pluginsInPlace() && existsSync(YAML_HOST) && existsSync(GEN_SDK)) {
    step(`pulumi ${PULUMI_CLI_VERSION} is already in ${LOCAL_CLI_BIN}; nothing to do`);
    return;
  }
  const started = Date.now();
  step(`[1/5] downloading the Go modules of pulumi ${PULUMI_CLI_VERSION} (go mod download; cold: about 1 GB, a few minutes)`);
  await go(["mod", "download"], `downloading the modules of pulumi ${PULUMI_CLI_VERSION}`);
  step(`[2/5] compiling pulumi ${PULUMI_CLI_VERSION} into ${LOCAL_CLI_BIN} (cold: 10 minutes or more on 2 cores; warm: under a minute)`);
  const ldflags = `-X ${VERSION_VARIABLE}=${PULUMI_CLI_VERSION}`;
  await go(
    ["install", "-trimpath", "-tags", "osusergo,grpcnotrace", "-ldflags", ldflags, CLI_PACKAGE],
    `compiling pulumi ${PULUMI_CLI_VERSION}`,
  );
  step("[3/5] installing the Node.js language host and the dynamic-provider plugin beside it");
  installPlugins();
  step(`[4/5] compiling Pulumi's YAML language host ${YAML_HOST_VERSION} beside it (cold: a few minutes; warm: seconds)`);
  await go(
    [
      "install",
      "-trimpath",
      "-tags",
      "osusergo,grpcnotrace",
      "-ldflags",
      `-X github.com/pulumi/pulumi-yaml/pkg/version.Version=${YAML_HOST_VERSION}`,
      YAML_HOST_PACKAGE,
    ],
    `compiling pulumi-language-yaml ${YAML_HOST_VERSION}`,
    YAML_HOST_MODULE_DIR,
  );
  step("[5/5] compiling gen-sdk, the SDK generator for Python and Go, beside it (cold: about 2 minutes; warm: seconds)");
  await go(["install", "-trimpath", GEN_SDK_PACKAGE], "compiling gen-sdk");
  const installed = cliVersion(binary);
  if (installed !== PULUMI_CLI_VERSION) fail(`the built CLI reports ${installed ?? "no version"} instead of ${PULUMI_CLI_VERSION}`);
  step(`pulumi ${installed} ready in ${LOCAL_CLI_BIN} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

void main();
