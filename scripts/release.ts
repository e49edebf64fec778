/*
 * `npm run release`: the release artifacts of this machine's platform in dist/release/, named as
 * Pulumi names them, so that `pulumi plugin install` and the CLI's own download find them:
 *
 * - `pulumi-resource-flashback-v<version>-<os>-<arch>.tar.gz`: README.md, LICENSE and the
 *   standalone plugin executable (scripts/build-plugin.ts), as pulumi-awsx and pulumi-eks ship theirs;
 * - the Python SDK's wheel and sdist (`pulumi_flashback`, from sdk/python);
 * - the Go SDK module (sdk/go) as `pulumi-flashback-sdk-go-v<version>.zip`, the zip the Go module
 *   proxy serves for the tag `sdk/go/v<version>`: the files git holds in sdk/go, under
 *   `<module>@v<version>/` (scripts/go-module-zip.cjs). Go users `go get` it by the tag; the
 *   rehearsal serves this file from a GOPROXY folder, and air-gapped module mirrors can too;
 * - the npm package tarball (`npm pack`);
 * - `pulumi-flashback_<version>_checksums.txt`: the SHA-256 of each, in `sha256sum` format.
 *
 * Every name is scripts/release-artifacts.cjs's, which the publishing script (scripts/publish.cjs)
 * reads too. One version, from package.json, in every name and inside the plugin. A development version
 * (`-dev`, or a `+` build suffix) is refused: a release must be installable by that version
 * (pulumi-awsx#1322: an SDK published with a development version sent every user a 403).
 * The release workflow (.github/workflows/release.yml) runs this same script on each platform.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { packageVersion } from "../provider/plugin/package-version";
import { PYTHON_VENV } from "../testkit/find-pulumi-cli";
import { buildPlugin, PLUGIN_BINARY } from "./build-plugin";
import { writeModuleZip } from "./go-module-zip.cjs";
import * as names from "./release-artifacts.cjs";

const ROOT = resolve(__dirname, "..");
/** The Python of `npm run setup:pulumi`'s virtual environment: it has pip and setuptools. */
const PYTHON = join(PYTHON_VENV, "bin", "python");
export const RELEASE_DIR = join(ROOT, "dist", "release");

/** Pulumi's names for the platform a plugin runs on (`GOOS`/`GOARCH`). */
const OS: Partial<Record<NodeJS.Platform, string>> = { linux: "linux", darwin: "darwin", win32: "windows" };
const ARCH: Partial<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

/** Why a version must not be released, or undefined. */
export const unreleasableVersion = names.unreleasableVersion;

/** `pulumi-resource-flashback-v0.1.0-linux-amd64.tar.gz` for this machine. */
export function pluginTarballName(version: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = OS[platform];
  const goArch = ARCH[arch];
  if (os === undefined || goArch === undefined) throw new Error(`no Pulumi platform name for ${platform}-${arch}`);
  return names.pluginTarballName(version, `${os}-${goArch}`);
}

export const checksumsName = names.checksumsName;

/**
 * This platform's plugin tarball in dist/release, and the executable beside it: from an earlier
 * `npm run release` (CI runs one before the tests), else released now. For the suites and the bench.
 */
export async function releasedPlugin(): Promise<{ tarball: string; executable: string }> {
  const tarball = join(RELEASE_DIR, pluginTarballName(packageVersion()));
  if (!existsSync(tarball) || !existsSync(PLUGIN_BINARY)) await release();
  return { tarball, executable: PLUGIN_BINARY };
}

/**
 * Every artifact of this platform; with `pluginOnly`, the plugin tarball alone (the release
 * workflow's other platforms: the SDKs and the npm package are built once, on linux-amd64).
 */
export async function release(options: { pluginOnly?: boolean } = {}): Promise<string[]> {
  const version = packageVersion();
  const refused = unreleasableVersion(version);
  if (refused !== undefined) throw new Error(`refusing to release: ${refused}; set a release version in package.json`);
  const binary = await buildPlugin();
  rmSync(RELEASE_DIR, { recursive: true, force: true });
  mkdirSync(RELEASE_DIR, { recursive: true });

  const staging = mkdtempSync(join(tmpdir(), "flashback-release-"));
  const executable = basename(binary);
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(ROOT, file), join(staging, file));
  copyFileSync(binary, join(staging, executable));
  const tarball = join(RELEASE_DIR, pluginTarballName(version));
  // A relative archive name in the release folder: Git for Windows' GNU tar reads "D:\…" as a remote host.
  execFileSync("tar", ["-czf", basename(tarball), "-C", staging, "README.md", "LICENSE", executable], {
    cwd: RELEASE_DIR,
    stdio: "inherit",
  });
  rmSync(staging, { recursive: true, force: true });
  if (!options.pluginOnly) {
    execFileSync("npm", ["pack", "--silent", "--pack-destination", RELEASE_DIR], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    buildPythonSdk();
    writeGoSdkModule(version);
  }

  return [...names.writeChecksums(RELEASE_DIR, version), checksumsName(version)];
}

/** The wheel and the sdist of sdk/python, built from a copy so that the committed SDK stays clean. */
function buildPythonSdk(): void {
  const copy = mkdtempSync(join(tmpdir(), "flashback-python-sdk-"));
  try {
    cpSync(join(ROOT, "sdk", "python"), copy, { recursive: true });
    execFileSync(PYTHON, ["-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check", "-w", RELEASE_DIR, "."], {
      cwd: copy,
      stdio: "inherit",
    });
    execFileSync(PYTHON, ["setup.py", "--quiet", "sdist", "--dist-dir", RELEASE_DIR], { cwd: copy, stdio: "inherit" });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/**
 * The SDK module's zip, of the files git holds in sdk/go (and the root LICENSE, as Go adds it):
 * what the module proxy zips from the tag `sdk/go/v<version>`, so that the module users download is
 * the one the rehearsal tested.
 */
function writeGoSdkModule(version: string): void {
  const moduleDir = join(ROOT, "sdk", "go");
  const tracked = execFileSync("git", ["ls-files", "-z", "."], { cwd: moduleDir, encoding: "utf8" }).split("\0").filter(Boolean);
  if (tracked.length === 0) throw new Error(`git holds no file in ${moduleDir}: the Go SDK module is zipped from what git holds`);
  const modulePath = /^module\s+(\S+)/m.exec(readFileSync(join(moduleDir, "go.mod"), "utf8"))?.[1];
  if (modulePath === undefined) throw new Error(`${join(moduleDir, "go.mod")} names no module`);
  const files = tracked.map((name) => ({ name, data: readFileSync(join(moduleDir, name)) }));
  // Go's own rule for a module in a subfolder without a LICENSE: the repository's root LICENSE goes into its zip.
  if (!tracked.includes("LICENSE")) files.push({ name: "LICENSE", data: readFileSync(join(ROOT, "LICENSE")) });
  writeModuleZip(join(RELEASE_DIR, names.goModuleZipName(version)), modulePath, `v${version}`, files);
}

export const sha256Of = names.sha256Of;

if (require.main === module) {
  release({ pluginOnly: process.argv.includes("--plugin-only") }).then(
    (artifacts) => console.log(`release: ${artifacts.length} artifacts in ${RELEASE_DIR}:\n  ${artifacts.join("\n  ")}`),
    (error: unknown) => {
      console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
