import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { SECRET_SIG } from "../../provider/plugin/pulumi-protocol";
import { packageSchema, PUBLIC_REPOSITORY, REPO_API_KEY_TOKEN } from "../../provider/plugin/schema";
import { packageVersion } from "../../provider/plugin/package-version";
import { checksumsName, pluginTarballName, releasedPlugin, RELEASE_DIR, sha256Of } from "../../scripts/release";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import {
  escapeRegExp,
  findLanguageHost,
  findPulumiCli,
  pathDirsOutsideNodeModules,
  realCliSuite,
  requiredVersion,
  TOOLS_MODULE_DIR,
} from "../../testkit/find-pulumi-cli";
import { REPO_ROOT } from "../helpers/run-node";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * The provider as a release installs it (issue: "Install it the way every Pulumi provider
 * installs"): the plugin tarball of `npm run release`, installed with `pulumi plugin install
 * --file` into an empty Pulumi home, serving a YAML program that names no plugin, with a PATH that
 * holds the pulumi binary and its YAML host and nothing else: no node anywhere.
 */

const suite = realCliSuite("the released plugin, installed from its tarball, under the real pulumi CLI", { languageHost: "yaml" });
const version = packageVersion();

/** Where `pulumi plugin install` puts the plugin's executable in a Pulumi home. */
const installedPlugin = (stack: CliStack): string =>
  join(stack.env.PULUMI_HOME as string, "plugins", `resource-flashback-v${version}`, "pulumi-resource-flashback");

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  let tarball: string;

  beforeAll(async () => {
    ({ tarball } = await releasedPlugin());
    emulator = await startTestEmulator();
    // A PATH of the pulumi binary and its YAML host alone: the plugin must run without node.
    const bare = mkdtempSync(join(tmpdir(), "flashback-bare-path-"));
    const cli = findPulumiCli() as string;
    symlinkSync(cli, join(bare, "pulumi"));
    symlinkSync(findLanguageHost(cli, "yaml") as string, join(bare, "pulumi-language-yaml"));
    stack = await cliStackOnEmulator(emulator, {
      programDir: join(__dirname, "programs", "yaml-installed"),
      stackName: "installed",
      env: { PATH: bare },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emulator?.close();
  });

  it("writes the tarball under Pulumi's name with README, LICENSE and the executable, and checksums that match", () => {
    const lines = readFileSync(join(RELEASE_DIR, checksumsName(version)), "utf8")
      .trim()
      .split("\n");
    const listed = Object.fromEntries(lines.map((line) => line.split("  ").reverse() as [string, string]));
    expect(Object.keys(listed).sort()).toEqual(
      readdirSync(RELEASE_DIR)
        .filter((file) => file !== checksumsName(version))
        .sort(),
    );
    for (const [file, digest] of Object.entries(listed)) expect(sha256Of(join(RELEASE_DIR, file)), file).toBe(digest);
    expect(Object.keys(listed)).toContain(pluginTarballName(version));
  });

  it("installs with pulumi plugin install --file, then up and destroy work with no node on the PATH", async () => {
    expect(stack.env.PATH?.split(delimiter).some((dir) => existsSync(join(dir, "node")))).toBe(false);
    const installed = await stack.succeed("plugin", "install", "resource", "flashback", version, "--file", tarball);
    expect(installed.output).toContain(`[resource plugin flashback-${version}] installing`);
    expect(existsSync(installedPlugin(stack))).toBe(true);

    const up = await stack.succeed("up", ...UNATTENDED);
    expect(up.stdout).toMatch(/secretKey\s*: \[secret\]/);
    const [key] = keysInState(await stack.exportState(), REPO_API_KEY_TOKEN);
    expect(emulator.store.get(TEST_REPO, key?.id as string)?.name).toBe("installed-reader");
    expect(key?.outputs?.secret).toMatchObject({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });

    await stack.succeed("destroy", ...UNATTENDED);
    expect(emulator.store.allKeys()).toEqual([]);
  });
});

/** A program whose SDK came from the release, and what its language's side needs checked. */
interface ReleasedSdkProgram {
  dir: string;
  keyName: string;
  /** The SDK's pulumi-plugin.json as the program's environment holds it. */
  announced(): unknown;
}

for (const [language, title, makeProgram] of [
  ["python", "a Python program on the released wheel alone", pythonProgramFromWheel],
  ["go", "a Go program on the SDK module sdk/go", goProgramOnSdkModule],
] as const) {
  const languageSuite = realCliSuite(`${title}: the CLI downloads the plugin it announces`, { languageHost: language });

  describe.skipIf(languageSuite.skip)(languageSuite.title, () => {
    let emulator: RunningEmulator;
    let server: ReleaseServer;
    let stack: CliStack;
    let program: ReleasedSdkProgram;

    beforeAll(async () => {
      await releasedPlugin();
      emulator = await startTestEmulator();
      server = await serveReleases(RELEASE_DIR);
      program = makeProgram();
      stack = await cliStackOnEmulator(emulator, {
        programDir: program.dir,
        stackName: `from-${language}-sdk`,
        env: {
          // The CLI fetches the plugin the SDK announces from the release server instead of the SDK's
          // server (GitHub): the override's regular expression matches the server URL, not the name.
          PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
          PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${escapeRegExp(String(packageSchema(version).pluginDownloadURL))}=${server.url}`,
          // Not this repository's development script (node_modules/.bin), which the CLI would find on the PATH instead.
          PATH: pathDirsOutsideNodeModules().join(delimiter),
        },
      });
    });

    afterAll(async () => {
      await stack?.dispose();
      await server?.close();
      await emulator?.close();
    });

    it("pulumi plugin install downloads the plugin the SDK announces into an empty Pulumi home; up and destroy work", async () => {
      expect(readdirSync(stack.env.PULUMI_HOME as string).includes("plugins")).toBe(false);
      // With no arguments, `pulumi plugin install` installs what the program's language host
      // announces (GetRequiredPackages): the SDK's pulumi-plugin.json.
      await stack.succeed("plugin", "install");
      expect(server.requested).toEqual([`/${pluginTarballName(version)}`]);
      expect(existsSync(installedPlugin(stack))).toBe(true);
      const up = await stack.succeed("up", ...UNATTENDED);
      expect(up.stdout).toMatch(/secretKey\s*: \[secret\]/);
      const [key] = keysInState(await stack.exportState(), REPO_API_KEY_TOKEN);
      expect(emulator.store.get(TEST_REPO, key?.id as string)?.name).toBe(program.keyName);
      expect(key?.outputs?.secret).toMatchObject({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });
      await stack.succeed("destroy", ...UNATTENDED);
      expect(emulator.store.allKeys()).toEqual([]);
    });

    it("the SDK's pulumi-plugin.json names the version and server of the schema", () => {
      const schema = packageSchema(version);
      expect(program.announced()).toEqual({ resource: true, name: "flashback", version, server: schema.pluginDownloadURL });
    });
  });
}

interface ReleaseServer {
  url: string;
  /** Paths asked for, in order. */
  requested: string[];
  close(): Promise<void>;
}

/** dist/release over HTTP on 127.0.0.1, as a GitHub release or a company mirror serves it. */
async function serveReleases(dir: string): Promise<ReleaseServer> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? "/").split("?")[0] as string);
    requested.push(path);
    const file = join(dir, basename(path));
    if (!existsSync(file)) return void response.writeHead(404).end();
    // The CLI checks the length it is told against what it read.
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(file).size });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A Python program in a folder of its own whose virtual environment holds `pulumi` and the
 * released wheel, installed with pip, and nothing else; its Pulumi.yaml names no plugin.
 */
function pythonProgramFromWheel(): ReleasedSdkProgram {
  const dir = mkdtempSync(join(tmpdir(), "flashback-python-wheel-"));
  const venv = join(dir, "venv");
  execFileSync("python3", ["-m", "venv", venv]);
  const wheel = readdirSync(RELEASE_DIR).find((file) => file.endsWith(".whl")) as string;
  execFileSync(join(venv, "bin", "python"), [
    ...["-m", "pip", "install", "--quiet", "--disable-pip-version-check"],
    ...["-r", join(TOOLS_MODULE_DIR, "requirements.txt"), join(RELEASE_DIR, wheel)],
  ]);
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    ["name: flashback-python-wheel", "runtime:", "  name: python", "  options:", `    virtualenv: ${venv}`, ""].join("\n"),
  );
  writeFileSync(
    join(dir, "__main__.py"),
    [
      "import pulumi",
      "import pulumi_flashback as flashback",
      "",
      'reader = flashback.RepoApiKey("reader", repo_id=pulumi.Config().require("repoId"), name="wheel-reader", access_type="READ")',
      'pulumi.export("secretKey", reader.secret)',
      "",
    ].join("\n"),
  );
  const script =
    "import importlib.resources, sys; sys.stdout.write(importlib.resources.files('pulumi_flashback').joinpath('pulumi-plugin.json').read_text())";
  return {
    dir,
    keyName: "wheel-reader",
    announced: () => JSON.parse(execFileSync(join(venv, "bin", "python"), ["-c", script]).toString()),
  };
}

/**
 * A Go program in a folder of its own on the SDK module of this repository's sdk/go (a `replace`,
 * as before a release tag exists) and the Go SDK; its Pulumi.yaml names no plugin.
 */
function goProgramOnSdkModule(): ReleasedSdkProgram {
  const dir = mkdtempSync(join(tmpdir(), "flashback-go-sdk-"));
  const sdkModule = `${PUBLIC_REPOSITORY}/sdk/go`;
  const pulumiSdk = requiredVersion(TOOLS_MODULE_DIR, "github.com/pulumi/pulumi/sdk/v3");
  writeFileSync(join(dir, "Pulumi.yaml"), "name: flashback-go-sdk\nruntime: go\n");
  writeFileSync(
    join(dir, "go.mod"),
    [
      "module flashback-go-sdk",
      "",
      "go 1.24",
      "",
      `require ${sdkModule} v${version}`,
      `require github.com/pulumi/pulumi/sdk/v3 ${pulumiSdk}`,
      "",
      `replace ${sdkModule} => ${join(REPO_ROOT, "sdk", "go")}`,
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "main.go"),
    [
      "package main",
      "",
      "import (",
      `\t"${sdkModule}/flashback"`,
      '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"',
      '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"',
      ")",
      "",
      "func main() {",
      "\tpulumi.Run(func(ctx *pulumi.Context) error {",
      '\t\treader, err := flashback.NewRepoApiKey(ctx, "reader", &flashback.RepoApiKeyArgs{',
      '\t\t\tRepoId: pulumi.String(config.Require(ctx, "repoId")), Name: pulumi.String("gosdk-reader"), AccessType: flashback.AccessTypeRead,',
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
  execFileSync("go", ["mod", "tidy"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  return {
    dir,
    keyName: "gosdk-reader",
    announced: () => JSON.parse(readFileSync(join(REPO_ROOT, "sdk", "go", "flashback", "pulumi-plugin.json"), "utf8")),
  };
}
