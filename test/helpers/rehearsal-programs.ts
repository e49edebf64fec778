import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { PUBLIC_REPOSITORY } from "../../provider/definitions/tokens";
import { sha256Of } from "../../scripts/release-artifacts.cjs";
import { findPulumiCli, pathDirsOutsideNodeModules } from "../../testkit/find-pulumi-cli";

/*
 * The release rehearsal's four programs, each in a new folder and installed as a user installs
 * the package, from the registries the rehearsal published to (test/e2e/release-rehearsal.test.ts):
 * what it installed, and the PATH its `pulumi` runs with.
 */

/** The Go SDK module, as users `go get` it. */
export const GO_SDK_MODULE = `${PUBLIC_REPOSITORY}/sdk/go`;

/** A program ready for `pulumi up`: its folder, the environment of its commands, and what it installed. */
export interface RehearsalProgram {
  dir: string;
  /** The key name the program declares. */
  keyName: string;
  /** The environment of its `pulumi` commands, on top of a stack's own. */
  env: NodeJS.ProcessEnv;
  /** What the program's package manager installed of ours: its bytes' digest, and where it came from. */
  installed(): { digest: string; from: string };
  /** The installed SDK's pulumi-plugin.json, which tells the CLI what plugin to download and from where. */
  announced?(): unknown;
}

/** The registries a program installs from. */
export interface Registries {
  npm: string;
  pythonIndex: string;
  goProxy: string;
}

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string =>
  execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * A PATH of the `pulumi` binary and `extra` directories alone: the CLI finds its language hosts
 * beside its binary, and the plugin it downloads runs with no `node` to fall back on.
 */
export function pathWithoutNode(home: string, extra: string[] = []): string {
  const bare = join(home, "bare-path");
  mkdirSync(bare, { recursive: true });
  if (!existsSync(join(bare, "pulumi"))) symlinkSync(findPulumiCli() as string, join(bare, "pulumi"));
  const path = [bare, ...extra].join(delimiter);
  const withNode = [bare, ...extra].filter((dir) => existsSync(join(dir, "node")));
  if (withNode.length > 0) throw new Error(`a PATH without node was asked for, but ${withNode.join(", ")} holds one`);
  return path;
}

/** TypeScript: `npm install @flashbacktech/pulumi @pulumi/pulumi` from the local npm registry, as the README says, and typescript. */
export function typescriptProgram(dir: string, registries: Registries, packageName: string): RehearsalProgram {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ".npmrc"), `registry=${registries.npm}\n`);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "rehearsal-typescript", private: true }, null, 2));
  writeFileSync(join(dir, "Pulumi.yaml"), "name: rehearsal-typescript\nruntime: nodejs\n");
  writeFileSync(
    join(dir, "index.ts"),
    [
      'import * as pulumi from "@pulumi/pulumi";',
      `import { RepoApiKey } from "${packageName}";`,
      "",
      'const reader = new RepoApiKey("reader", { repoId: new pulumi.Config().require("repoId"), name: "ts-reader", accessType: "READ" });',
      "export const secretKey = reader.secret;",
      "",
    ].join("\n"),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", packageName, "@pulumi/pulumi", "typescript"], dir);
  return {
    dir,
    keyName: "ts-reader",
    // A TypeScript program runs on node, and so does the dynamic resource: first the node this suite runs on, then the PATH less npm's script folders.
    env: { PATH: [dirname(process.execPath), ...pathDirsOutsideNodeModules()].join(delimiter) },
    installed: () => {
      const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version?: string; integrity?: string }>;
      };
      const entry = lock.packages[`node_modules/${packageName}`];
      return { digest: String(entry?.integrity), from: registries.npm };
    },
  };
}

/** Python: a new virtual environment, `pip install pulumi_flashback` from the local index. */
export function pythonProgram(dir: string, registries: Registries, home: string): RehearsalProgram {
  mkdirSync(dir, { recursive: true });
  const venv = join(dir, "venv");
  run("python3", ["-m", "venv", venv], dir);
  const report = join(dir, "pip-report.json");
  const pip = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--report", report];
  // No wheels folder of this machine's (PIP_FIND_LINKS): the distribution must come from the index.
  const env = { ...process.env, PIP_FIND_LINKS: "" };
  run(join(venv, "bin", "python"), [...pip, "--index-url", registries.pythonIndex, "pulumi_flashback"], dir, env);
  writeFileSync(join(dir, "Pulumi.yaml"), `name: rehearsal-python\nruntime:\n  name: python\n  options:\n    virtualenv: ${venv}\n`);
  writeFileSync(
    join(dir, "__main__.py"),
    [
      "import pulumi",
      "import pulumi_flashback as flashback",
      "",
      'reader = flashback.RepoApiKey("reader", repo_id=pulumi.Config().require("repoId"), name="py-reader",',
      "                              access_type=flashback.AccessType.READ)",
      'pulumi.export("secretKey", reader.secret)',
      "",
    ].join("\n"),
  );
  return {
    dir,
    keyName: "py-reader",
    env: { PATH: pathWithoutNode(home) },
    installed: () => {
      type Installed = { metadata: { name: string }; download_info: { url: string; archive_info?: { hashes?: { sha256?: string } } } };
      const { install } = JSON.parse(readFileSync(report, "utf8")) as { install: Installed[] };
      const ours = install.find((entry) => entry.metadata.name === "pulumi_flashback" || entry.metadata.name === "pulumi-flashback");
      return { digest: String(ours?.download_info.archive_info?.hashes?.sha256), from: String(ours?.download_info.url) };
    },
    announced: () => {
      const script =
        "import importlib.resources, sys; sys.stdout.write(importlib.resources.files('pulumi_flashback').joinpath('pulumi-plugin.json').read_text())";
      return JSON.parse(run(join(venv, "bin", "python"), ["-c", script], dir));
    },
  };
}

/** The Go environment of the rehearsal's Go commands: the local proxy first, then this machine's, and no checksum database for our module. */
export function goEnvironment(goProxy: string): NodeJS.ProcessEnv {
  const upstream = run("go", ["env", "GOPROXY"], process.cwd()).trim();
  return {
    GOPROXY: `file://${goProxy},${upstream}`,
    // Not GOPRIVATE: it would send the go command to the repository itself, past every proxy.
    GONOSUMDB: PUBLIC_REPOSITORY,
    GOFLAGS: "-mod=mod",
    // Go indexes a module-cache package once per module version, taking versions to be immutable;
    // each rehearsal's v<version> holds new files under the same version, so no index (goindex=0).
    GODEBUG: "goindex=0",
  };
}

/** Go: a new module, `go get` of the SDK module through the local proxy (no `replace`), and `go mod tidy`. */
export function goProgram(dir: string, registries: Registries, home: string, version: string): RehearsalProgram {
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, ...goEnvironment(registries.goProxy) };
  writeFileSync(join(dir, "Pulumi.yaml"), "name: rehearsal-go\nruntime: go\n");
  writeFileSync(
    join(dir, "main.go"),
    [
      "package main",
      "",
      "import (",
      `\t"${GO_SDK_MODULE}/flashback"`,
      '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"',
      '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"',
      ")",
      "",
      "func main() {",
      "\tpulumi.Run(func(ctx *pulumi.Context) error {",
      '\t\treader, err := flashback.NewRepoApiKey(ctx, "reader", &flashback.RepoApiKeyArgs{',
      '\t\t\tRepoId: pulumi.String(config.Require(ctx, "repoId")), Name: pulumi.String("go-reader"), AccessType: flashback.AccessTypeRead,',
      "\t\t})",
      "\t\tif err != nil {",
      "\t\t\treturn err",
      "\t\t}",
      '\t\tctx.Export("secretKey", reader.Secret)',
      "\t\treturn nil",
      "\t})",
      "}",
      "",
    ].join("\n"),
  );
  run("go", ["mod", "init", "rehearsal-go"], dir, env);
  run("go", ["get", `${GO_SDK_MODULE}@v${version}`], dir, env);
  run("go", ["mod", "tidy"], dir, env);
  return {
    dir,
    keyName: "go-reader",
    env: { ...goEnvironment(registries.goProxy), PATH: pathWithoutNode(home, [goToolchainKeepingPath(home)]) },
    installed: () => {
      const downloaded = join(goModCache(), "cache", "download", GO_SDK_MODULE, "@v", `v${version}.zip`);
      return { digest: sha256Of(downloaded), from: registries.goProxy };
    },
    announced: () => {
      const moduleDir = run("go", ["list", "-m", "-f", "{{.Dir}}", GO_SDK_MODULE], dir, env).trim();
      return JSON.parse(readFileSync(join(moduleDir, "flashback", "pulumi-plugin.json"), "utf8"));
    },
  };
}

/**
 * A folder holding `go` alone, which runs the Go toolchain with this machine's PATH: its C compiler
 * (cgo) lives beside node, and without it `go build` would compile everything anew, cgo off. The
 * CLI, the language host and the plugin still have no `node`.
 */
function goToolchainKeepingPath(home: string): string {
  const dir = join(home, "go-toolchain");
  mkdirSync(dir, { recursive: true });
  const go = realpathSync(run("sh", ["-c", "command -v go"], home).trim());
  writeFileSync(join(dir, "go"), `#!/bin/sh\nPATH='${process.env.PATH ?? ""}' exec '${go}' "$@"\n`);
  chmodSync(join(dir, "go"), 0o755);
  return dir;
}

/** YAML: a Pulumi.yaml with the type token and nothing else. */
export function yamlProgram(dir: string, home: string, token: string): RehearsalProgram {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    [
      "name: rehearsal-yaml",
      "runtime: yaml",
      "resources:",
      "  reader:",
      `    type: ${token}`,
      "    properties:",
      "      repoId: ${repoId}",
      "      name: yaml-reader",
      "      accessType: READ",
      "outputs:",
      "  secretKey: ${reader.secret}",
      "",
    ].join("\n"),
  );
  return { dir, keyName: "yaml-reader", env: { PATH: pathWithoutNode(home) }, installed: () => ({ digest: "", from: "" }) };
}

const goModCache = (): string => run("go", ["env", "GOMODCACHE"], process.cwd()).trim();

/**
 * Removes the SDK module from Go's module cache, where only the rehearsal puts it (the other suites
 * use the folder itself): each run's `go get` must then fetch it from the local proxy. The cache
 * keeps its files read-only; nothing else in it is touched.
 */
export function forgetGoSdkModule(): void {
  const cache = goModCache();
  for (const dir of [join(cache, "cache", "download", GO_SDK_MODULE), ...versionsIn(join(cache, dirname(GO_SDK_MODULE)), "go@")]) {
    if (!existsSync(dir)) continue;
    makeWritable(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

function versionsIn(parent: string, prefix: string): string[] {
  return existsSync(parent)
    ? readdirSync(parent)
        .filter((entry) => entry.startsWith(prefix))
        .map((entry) => join(parent, entry))
    : [];
}

function makeWritable(path: string): void {
  chmodSync(path, statSync(path).mode | 0o200);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}
