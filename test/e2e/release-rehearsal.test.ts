import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { SECRET_SIG } from "../../provider/engine/pulumi-protocol";
import { packageSchema } from "../../provider/plugin/schema";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { packageVersion } from "../../provider/plugin/package-version";
import { pluginTarballName, releasedPlugin, RELEASE_DIR, sha256Of } from "../../scripts/release";
import { readZip, writeModuleZip } from "../../scripts/go-module-zip.cjs";
import * as names from "../../scripts/release-artifacts.cjs";
import { escapeRegExp, findPulumiCli, realCliSuite } from "../../testkit/find-pulumi-cli";
import { schemaCheckFailures, schemaOfPlugin, schemaVersionDisagreement } from "../../testkit/registry-checks";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { RELEASE_PYTHON, VERDACCIO_DIR } from "../../testkit/release-tools";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { needsGit, requireGitCheckout } from "../helpers/git-checkout";
import {
  forgetGoSdkModule,
  GO_SDK_MODULE,
  goProgram,
  pythonProgram,
  typescriptProgram,
  yamlProgram,
  type RehearsalProgram,
  type Registries,
} from "../helpers/rehearsal-programs";
import { startPypiServer, startVerdaccio, type NpmRegistry, type PythonIndex } from "../helpers/registries";
import { serveReleases, type ReleaseServer } from "../helpers/release-server";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * The release rehearsal (issue: "A release that ships"): every artifact of `npm run release`
 * published by the release workflow's own commands (scripts/publish.cjs) to real registries on
 * 127.0.0.1 (verdaccio for npm, pypiserver for PyPI, a GOPROXY folder, a release server for the
 * plugin tarballs), then installed as users install it, each in a new folder, and run through the
 * real CLI: `pulumi up` and `pulumi destroy` in TypeScript, Python, Go and YAML. Each CLI has an
 * empty Pulumi home and downloads the plugin from the release server; but TypeScript's, the
 * dynamic resource that runs on node, none has `node` on its PATH. What it cannot rehearse (GitHub,
 * provenance, trusted publishing, the other platforms) is the workflow's alone; CONTRIBUTING.md's "The
 * release" says which step is covered how.
 */

const version = packageVersion();
const manifest = names.packageManifest(REPO_ROOT);
const platform = pluginTarballName(version).replace(/^pulumi-resource-flashback-v[^-]+-(.+)\.tar\.gz$/, "$1");
const cliSuite = needsGit(
  realCliSuite("the release rehearsal: published to local registries, installed from them, up and destroyed", { languageHost: "yaml" }),
);
const toolsMissing = !existsSync(RELEASE_PYTHON) || !existsSync(join(VERDACCIO_DIR, "node_modules", "verdaccio"));
const skip = cliSuite.skip || (toolsMissing && process.env.CI !== "true");
const title =
  toolsMissing && skip && !cliSuite.skip ? `${cliSuite.title} — skipped: no registries; run npm run setup:pulumi` : cliSuite.title;

/** The one line the rehearsal prints: what reached a registry, what a user's install took from one, which languages ran. */
const tally = { published: new Set<string>(), installed: new Set<string>(), languages: new Set<string>() };

interface PublishResult {
  status: number | null;
  output: string;
}

/**
 * `node scripts/publish.cjs <args>`, as the workflow runs it; asynchronously, since the release
 * server it uploads to answers from this process.
 */
function publish(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PublishResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "scripts", "publish.cjs"), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, output }));
  });
}

async function published(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await publish(args, env);
  if (result.status !== 0) throw new Error(`publish.cjs ${args.join(" ")} exited with ${result.status}:\n${result.output}`);
  return result.output;
}

/** The SDKs' pulumi-plugin.json: the plugin of this version, from the server the schema names. */
const announcedPlugin = (): unknown => ({ resource: true, name: "flashback", version, server: packageSchema(version).pluginDownloadURL });

const sha512Integrity = (file: string): string => `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;

describe.skipIf(skip)(title, () => {
  let work: string;
  let artifacts: string;
  let emulator: RunningEmulator;
  let npm: NpmRegistry;
  let pypi: PythonIndex;
  let releases: ReleaseServer;
  let registries: Registries;
  const stacks: CliStack[] = [];
  let head: string;
  const clone = (): string => join(work, "clone");
  const remote = (): string => join(work, "remote.git");

  beforeAll(async () => {
    requireGitCheckout();
    head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    await releasedPlugin();
    work = mkdtempSync(join(tmpdir(), "flashback-rehearsal-"));
    // The workflow's publishing jobs work on the artifacts they downloaded: a copy, so that the suites reading dist/release see it unchanged.
    artifacts = join(work, "artifacts");
    cpSync(RELEASE_DIR, artifacts, { recursive: true });
    forgetGoSdkModule();
    [emulator, npm, pypi, releases] = await Promise.all([
      startTestEmulator(),
      startVerdaccio(join(work, "verdaccio")),
      startPypiServer(join(work, "pypi")),
      serveReleases(join(work, "release-server")),
    ]);
    registries = { npm: npm.url, pythonIndex: pypi.indexUrl, goProxy: join(work, "goproxy") };
    // The repository the workflow tags, as its checkout holds it: a clone of this commit, with a remote of its own.
    execFileSync("git", ["init", "--quiet", "--bare", remote()]);
    execFileSync("git", ["clone", "--quiet", "--no-checkout", "--shared", REPO_ROOT, clone()]);
    execFileSync("git", ["update-ref", "--no-deref", "HEAD", head], { cwd: clone() });
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.dispose();
    await Promise.all([npm?.close(), pypi?.close(), releases?.close(), emulator?.close()]);
    forgetGoSdkModule();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    console.log(
      `release rehearsal: ${tally.published.size} artifacts published, ${tally.installed.size} installed from their registries, ${tally.languages.size} of 4 languages up and destroyed`,
    );
  });

  it("refuses to hand twine any file but the Python wheel and sdist (the whole artifacts folder, say), and uploads nothing", async () => {
    const everyFile = readdirSync(artifacts).map((file) => join(artifacts, file));
    const refused = await publish(["pypi", ...everyFile, "--repository-url", pypi.url, "--python", RELEASE_PYTHON], {
      TWINE_USERNAME: "rehearsal",
      TWINE_PASSWORD: "rehearsal",
    });
    expect(refused.status).toBe(1);
    expect(refused.output).toContain("publish pypi: pypi publishes the Python wheel, the Python sdist and nothing else; refusing:");
    expect(refused.output).toContain(`${pluginTarballName(version)} (a plugin tarball)`);
    expect(refused.output).toContain(`${names.npmTarballName(manifest.name, version)} (the npm package)`);
    expect(pypi.packages()).toEqual([]);
  });

  it("refuses a release whose checksums do not match its files, or that lacks a platform's plugin, and uploads nothing", async () => {
    const stale = join(work, "stale");
    cpSync(artifacts, stale, { recursive: true });
    const npmTarball = names.npmTarballName(manifest.name, version);
    appendFileSync(join(stale, npmTarball), "changed after the checksums were taken");
    const tampered = await publish(["release-assets", stale, "--platforms", platform, "--upload-to", releases.url]);
    expect(tampered.status).toBe(1);
    expect(tampered.output).toContain(
      `${names.checksumsName(version)} does not match the release:\n  ${npmTarball}: its SHA-256 is not the one listed`,
    );
    const oneBuild = await publish(["release-assets", artifacts, "--upload-to", releases.url]);
    expect(oneBuild.status).toBe(1);
    const others = names.PLATFORMS.filter((other) => other !== platform);
    expect(oneBuild.output).toContain(
      `the plugin tarballs of ${others.join(", ")} are missing: a release waits for every platform's build`,
    );
    expect(releases.uploaded).toEqual([]);

    // A module zip that is not what git holds at the tagged commit: the proxy would serve users another module.
    const zipName = names.goModuleZipName(version);
    const entries = readZip(join(stale, zipName));
    const [docName] = [...entries.keys()].filter((name) => name.endsWith("/flashback/doc.go"));
    const prefix = String(docName).slice(0, -"flashback/doc.go".length);
    const files = [...entries].map(([name, data]) => ({
      name: name.slice(prefix.length),
      data: name === docName ? Buffer.from("package flashback\n") : data,
    }));
    writeModuleZip(join(stale, zipName), GO_SDK_MODULE, `v${version}`, files);
    const untagged = await publish(["go-tag", stale, "--tag", `v${version}`, "--repo", clone(), "--remote", remote()]);
    expect(untagged.status).toBe(1);
    expect(untagged.output).toContain(
      "the module zip is not what git holds in sdk/go at HEAD:\n  sdk/go/flashback/doc.go: differs from the commit",
    );
    expect(execFileSync("git", ["tag", "--list"], { cwd: remote(), encoding: "utf8" })).toBe("");
  });

  it("publishes every artifact with the workflow's commands: the release's assets, npm, PyPI, the Go module's tag and proxy", async () => {
    await published(["checksums", artifacts]);
    await published(["release-assets", artifacts, "--platforms", platform, "--upload-to", releases.url]);
    expect([...releases.uploaded].sort()).toEqual(readdirSync(artifacts).sort());
    // Counted where each artifact's users get it: the release server for the plugin and the checksums.
    for (const name of releases.uploaded)
      if (name === pluginTarballName(version) || name === names.checksumsName(version)) tally.published.add(name);

    await published(["npm", artifacts, "--registry", npm.url], { NODE_AUTH_TOKEN: npm.token });
    const packument = (await (
      await fetch(`${npm.url.replace(/\/$/, "")}/${manifest.name.replace("/", "%2f")}`, {
        headers: { authorization: `Bearer ${npm.token}` },
      })
    ).json()) as {
      versions?: Record<string, unknown>;
    };
    expect(Object.keys(packument.versions ?? {}), "verdaccio holds the published version").toContain(version);
    tally.published.add(names.npmTarballName(manifest.name, version));

    await published(["pypi", artifacts, "--repository-url", pypi.url, "--python", RELEASE_PYTHON], {
      TWINE_USERNAME: "rehearsal",
      TWINE_PASSWORD: "rehearsal",
    });
    expect(pypi.packages()).toEqual([names.wheelName(version), names.sdistName(version)].sort());
    for (const name of pypi.packages()) tally.published.add(name);

    // The tag the workflow pushes; then the zip the module proxy makes of that tag, which go-tag
    // has just shown to hold the files of the zip the proxy folder serves.
    await published(["go-tag", artifacts, "--tag", `v${version}`, "--repo", clone(), "--remote", remote()]);
    expect(execFileSync("git", ["rev-parse", `sdk/go/v${version}`], { cwd: remote(), encoding: "utf8" }).trim()).toBe(head);
    await published(["go-proxy", artifacts, "--to", registries.goProxy]);
    const versions = join(registries.goProxy, GO_SDK_MODULE, "@v");
    expect(readdirSync(versions).sort()).toEqual(["list", `v${version}.info`, `v${version}.mod`, `v${version}.zip`]);
    tally.published.add(names.goModuleZipName(version));
  });

  /** Up and destroy through the real CLI, the plugin downloaded from the release server unless `plugin` is false. */
  async function upAndDestroy(language: string, program: RehearsalProgram, plugin: boolean): Promise<CliStack> {
    const server = String(packageSchema(version).pluginDownloadURL);
    const stack = await cliStackOnEmulator(emulator, {
      programDir: program.dir,
      stackName: `rehearsal-${language.toLowerCase()}`,
      env: {
        ...program.env,
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
        // The CLI fetches what the SDK's server names (github://…flashbacknetwork/pulumi-flashback) from the release server instead.
        PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${escapeRegExp(server)}=${releases.url}`,
      },
    });
    stacks.push(stack);
    expect(readdirSync(stack.env.PULUMI_HOME as string).includes("plugins")).toBe(false);
    const downloadsBefore = releases.requested.length;
    if (language === "YAML") {
      // The type token alone names no server: the CLI would look for the plugin in Pulumi's own
      // GitHub organization. YAML users install it once, from its release (README, "Install").
      await stack.succeed("plugin", "install", "resource", "flashback", version, "--server", server);
    }
    const up = await stack.succeed("up", ...UNATTENDED);
    expect(up.stdout).toMatch(/secretKey\s*: \[secret\]/);
    const type = plugin ? REPO_API_KEY_TOKEN : "pulumi-nodejs:dynamic/flashback:RepoApiKey";
    const [key] = keysInState(await stack.exportState(), type);
    expect(emulator.store.get(TEST_REPO, key?.id as string)?.name).toBe(program.keyName);
    expect(key?.outputs?.secret).toMatchObject({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });
    if (plugin) {
      expect(releases.requested.slice(downloadsBefore)).toEqual([`/${pluginTarballName(version)}`]);
      const installed = join(stack.env.PULUMI_HOME as string, "plugins", `resource-flashback-v${version}`, "pulumi-resource-flashback");
      expect(sha256Of(installed)).toBe(sha256Of((await releasedPlugin()).executable));
      tally.installed.add(pluginTarballName(version));
    }
    await stack.succeed("destroy", ...UNATTENDED);
    expect(emulator.store.allKeys()).toEqual([]);
    tally.languages.add(language);
    return stack;
  }

  it("TypeScript: npm install @flashbacktech/pulumi from the local npm registry into a new program; up and destroy", async () => {
    const program = typescriptProgram(join(work, "typescript"), registries, manifest.name);
    expect(program.installed()).toEqual({
      digest: sha512Integrity(join(artifacts, names.npmTarballName(manifest.name, version))),
      from: npm.url,
    });
    tally.installed.add(names.npmTarballName(manifest.name, version));
    await upAndDestroy("TypeScript", program, false);
  });

  it("Python: pip install pulumi_flashback from the local index into a new virtual environment; the CLI downloads the plugin", async () => {
    const program = pythonProgram(join(work, "python"), registries, work);
    const installed = program.installed();
    expect(installed.from.startsWith(pypi.url)).toBe(true);
    expect(installed.digest).toBe(sha256Of(join(artifacts, names.wheelName(version))));
    tally.installed.add(names.wheelName(version));
    expect(program.announced?.()).toEqual(announcedPlugin());
    await upAndDestroy("Python", program, true);
  });

  it("Go: go get of the SDK module through the local module proxy, no replace; the CLI downloads the plugin", async () => {
    const program = goProgram(join(work, "go"), registries, work, version);
    expect(readFileSync(join(program.dir, "go.mod"), "utf8")).not.toContain("replace");
    expect(program.installed().digest).toBe(sha256Of(join(artifacts, names.goModuleZipName(version))));
    tally.installed.add(names.goModuleZipName(version));
    expect(program.announced?.()).toEqual(announcedPlugin());
    await upAndDestroy("Go", program, true);
  });

  it("YAML: the type token and nothing else; the CLI downloads the plugin", async () => {
    await upAndDestroy("YAML", yamlProgram(join(work, "yaml"), work, REPO_API_KEY_TOKEN), true);
  });
});

const registrySuite = realCliSuite("the registry's own checks, offline, on the released plugin");

describe.skipIf(registrySuite.skip)(registrySuite.title, () => {
  let cli: string;
  let schema: Record<string, unknown>;

  beforeAll(async () => {
    cli = findPulumiCli() as string;
    schema = schemaOfPlugin(cli, (await releasedPlugin()).executable);
  });

  it("pulumi schema check passes on the schema the released plugin serves; its version, package.json's and the tag agree", async () => {
    expect(schemaCheckFailures(cli, schema)).toEqual([]);
    expect(schemaVersionDisagreement(schema, version)).toEqual([]);
    const tagged = await publish(["version", "--tag", `v${version}`]);
    expect(tagged, tagged.output).toMatchObject({ status: 0, output: `${version}\n` });
  });

  it("each check fails when broken: a type reference to nowhere, a schema of another version, a tag of another version", async () => {
    const broken = structuredClone(schema) as { resources: Record<string, { properties: Record<string, unknown> }> };
    broken.resources[REPO_API_KEY_TOKEN]!.properties.dangling = { $ref: "#/types/flashback:index:Nowhere" };
    expect(schemaCheckFailures(cli, broken)).toEqual([
      expect.stringContaining("type flashback:index:Nowhere not found in package flashback"),
    ]);
    expect(schemaVersionDisagreement({ ...schema, version: "9.9.9" }, version)).toEqual([
      `the plugin's schema says version "9.9.9", package.json ${version}`,
    ]);
    const mistagged = await publish(["version", "--tag", "v9.9.9"]);
    expect(mistagged.status).toBe(1);
    expect(mistagged.output).toContain(`the tag v9.9.9 does not name package.json's version ${version}`);
  });
});
