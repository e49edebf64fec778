/*
 * `npm run release`: the release artifacts of this machine's platform in dist/release/, named as
 * Pulumi names them, so that `pulumi plugin install` and the CLI's own download find them:
 *
 * - `pulumi-resource-flashback-v<version>-<os>-<arch>.tar.gz`: README.md, LICENSE and the
 *   standalone plugin executable (scripts/build-plugin.ts), as pulumi-awsx and pulumi-eks ship theirs;
 * - the npm package tarball (`npm pack`);
 * - `pulumi-flashback_<version>_checksums.txt`: the SHA-256 of each, in `sha256sum` format.
 *
 * One version, from package.json, in every name and inside the plugin. A development version
 * (`-dev`, or a `+` build suffix) is refused: a release must be installable by that version
 * (pulumi-awsx#1322: an SDK published with a development version sent every user a 403).
 * The release workflow (.github/workflows/release.yml) runs this same script on each platform.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildPlugin } from "./build-plugin";

const ROOT = resolve(__dirname, "..");
export const RELEASE_DIR = join(ROOT, "dist", "release");

/** Pulumi's names for the platform a plugin runs on (`GOOS`/`GOARCH`). */
const OS: Partial<Record<NodeJS.Platform, string>> = { linux: "linux", darwin: "darwin", win32: "windows" };
const ARCH: Partial<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

export function packageJsonVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** Why a version must not be released, or undefined. */
export function unreleasableVersion(version: string): string | undefined {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version)) return `"${version}" is not a semantic version`;
  if (/-.*\bdev\b/.test(version) || version.includes("+")) return `"${version}" is a development version`;
  return undefined;
}

/** `pulumi-resource-flashback-v0.1.0-linux-amd64.tar.gz` for this machine. */
export function pluginTarballName(version: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = OS[platform];
  const goArch = ARCH[arch];
  if (os === undefined || goArch === undefined) throw new Error(`no Pulumi platform name for ${platform}-${arch}`);
  return `pulumi-resource-flashback-v${version}-${os}-${goArch}.tar.gz`;
}

export const checksumsName = (version: string): string => `pulumi-flashback_${version}_checksums.txt`;

export async function release(): Promise<string[]> {
  const version = packageJsonVersion();
  const refused = unreleasableVersion(version);
  if (refused !== undefined) throw new Error(`refusing to release: ${refused}; set a release version in package.json`);
  const binary = await buildPlugin();
  rmSync(RELEASE_DIR, { recursive: true, force: true });
  mkdirSync(RELEASE_DIR, { recursive: true });

  const staging = mkdtempSync(join(tmpdir(), "flashback-release-"));
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(ROOT, file), join(staging, file));
  copyFileSync(binary, join(staging, "pulumi-resource-flashback"));
  execFileSync(
    "tar",
    ["-czf", join(RELEASE_DIR, pluginTarballName(version)), "-C", staging, "README.md", "LICENSE", "pulumi-resource-flashback"],
    {
      stdio: "inherit",
    },
  );
  rmSync(staging, { recursive: true, force: true });
  execFileSync("npm", ["pack", "--silent", "--pack-destination", RELEASE_DIR], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });

  const artifacts = readdirSync(RELEASE_DIR).sort();
  const checksums = artifacts.map((file) => `${sha256Of(join(RELEASE_DIR, file))}  ${file}`).join("\n");
  writeFileSync(join(RELEASE_DIR, checksumsName(version)), `${checksums}\n`);
  return [...artifacts, checksumsName(version)];
}

export function sha256Of(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

if (require.main === module) {
  release().then(
    (artifacts) => console.log(`release: ${artifacts.length} artifacts in ${RELEASE_DIR}:\n  ${artifacts.join("\n  ")}`),
    (error: unknown) => {
      console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
