// @ts-check
/*
 * The release's artifacts by kind, named as `npm run release` (scripts/release.ts) writes them and
 * as Pulumi, npm, PyPI and the Go module proxy look for them: one place for every name, read by the
 * release script that writes the files and by the publishing script that hands them on
 * (scripts/publish.cjs). Plain CommonJS on node: built-ins alone, because the release workflow's
 * publishing jobs, which hold its write and OIDC tokens, run it with `node` and install nothing.
 */
"use strict";

const { createHash } = require("node:crypto");
const { readdirSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

/** The platforms the release workflow builds the plugin on, as Pulumi names them (`<GOOS>-<GOARCH>`). */
const PLATFORMS = Object.freeze(["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"]);

/** The Python distribution's name, as the schema's `language.python.packageName` makes gen-sdk write it. */
const PYTHON_DISTRIBUTION = "pulumi_flashback";

/**
 * @typedef {"plugin" | "checksums" | "npm" | "wheel" | "sdist" | "go-module"} ArtifactKind
 * @typedef {{ name: string, kind: ArtifactKind, platform?: string }} Artifact
 */

/** @type {Readonly<Record<ArtifactKind, string>>} What each kind is, for messages. */
const KIND_NAMES = Object.freeze({
  plugin: "a plugin tarball",
  checksums: "the checksums file",
  npm: "the npm package",
  wheel: "the Python wheel",
  sdist: "the Python sdist",
  "go-module": "the Go SDK module",
});

/** @param {string} root the repository's root @returns {{ name: string, version: string }} */
function packageManifest(root) {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return { name: String(manifest.name), version: String(manifest.version) };
}

/**
 * Why a version must not be released, or undefined: a release must be installable by its version
 * (pulumi-awsx#1322: an SDK published with a development version sent every user a 403).
 * @param {string} version @returns {string | undefined}
 */
function unreleasableVersion(version) {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version)) return `"${version}" is not a semantic version`;
  if (/-.*\bdev\b/.test(version) || version.includes("+")) return `"${version}" is a development version`;
  return undefined;
}

/** @param {string} version @param {string} platform `linux-amd64`, ... */
const pluginTarballName = (version, platform) => `pulumi-resource-flashback-v${version}-${platform}.tar.gz`;
/** @param {string} version */
const checksumsName = (version) => `pulumi-flashback_${version}_checksums.txt`;
/** `npm pack`'s name: the scope without its `@`, its `/` a `-`. @param {string} packageName @param {string} version */
const npmTarballName = (packageName, version) => `${packageName.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
/** @param {string} version */
const wheelName = (version) => `${PYTHON_DISTRIBUTION}-${pythonVersion(version)}-py3-none-any.whl`;
/** @param {string} version */
const sdistName = (version) => `${PYTHON_DISTRIBUTION}-${pythonVersion(version)}.tar.gz`;
/** The SDK module (sdk/go) laid out as the Go module proxy serves it. @param {string} version */
const goModuleZipName = (version) => `pulumi-flashback-sdk-go-v${version}.zip`;

/**
 * A semantic version as PEP 440 writes it, as Python's build tools normalise it in the file names:
 * `1.2.3-beta.4` is `1.2.3b4`. Other pre-releases have no PEP 440 form and are refused.
 * @param {string} version
 */
function pythonVersion(version) {
  const match = /^(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.(\d+))?$/.exec(version);
  if (match === null) throw new Error(`version "${version}" has no PEP 440 form: use X.Y.Z or X.Y.Z-alpha.N, -beta.N, -rc.N`);
  const [, release, stage, number] = match;
  return stage === undefined ? String(release) : `${release}${{ alpha: "a", beta: "b", rc: "rc" }[stage]}${number}`;
}

/**
 * Every name an artifact of `version` may have, with its kind.
 * @param {string} packageName @param {string} version @returns {Artifact[]}
 */
function expectedArtifacts(packageName, version) {
  return [
    ...PLATFORMS.map((platform) => ({ name: pluginTarballName(version, platform), kind: /** @type {const} */ ("plugin"), platform })),
    { name: checksumsName(version), kind: "checksums" },
    { name: npmTarballName(packageName, version), kind: "npm" },
    { name: wheelName(version), kind: "wheel" },
    { name: sdistName(version), kind: "sdist" },
    { name: goModuleZipName(version), kind: "go-module" },
  ];
}

/**
 * What the file `name` is among the artifacts of `version`, or, for any other name, why it is none.
 * @param {string} name @param {string} packageName @param {string} version
 * @returns {Artifact | { name: string, refused: string }}
 */
function classify(name, packageName, version) {
  const artifact = expectedArtifacts(packageName, version).find((candidate) => candidate.name === name);
  return artifact ?? { name, refused: `${name} is no artifact of release ${version}` };
}

/** @param {string} file */
const sha256Of = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/**
 * Writes the checksums file of `dir`: the SHA-256 of every other file in it, in `sha256sum` form,
 * sorted by name, as `sha256sum --check` reads it. Returns the names it lists.
 * @param {string} dir @param {string} version @returns {string[]}
 */
function writeChecksums(dir, version) {
  const listed = readdirSync(dir)
    .filter((file) => file !== checksumsName(version))
    .sort();
  writeFileSync(join(dir, checksumsName(version)), listed.map((file) => `${sha256Of(join(dir, file))}  ${file}\n`).join(""));
  return listed;
}

/**
 * The checksums file of `dir` read back: digest by name.
 * @param {string} dir @param {string} version @returns {Map<string, string>}
 */
function readChecksums(dir, version) {
  const lines = readFileSync(join(dir, checksumsName(version)), "utf8")
    .split("\n")
    .filter(Boolean);
  return new Map(lines.map((line) => /** @type {[string, string]} */ (line.split("  ").reverse())));
}

module.exports = {
  PLATFORMS,
  KIND_NAMES,
  packageManifest,
  unreleasableVersion,
  pluginTarballName,
  checksumsName,
  npmTarballName,
  wheelName,
  sdistName,
  goModuleZipName,
  pythonVersion,
  expectedArtifacts,
  classify,
  sha256Of,
  writeChecksums,
  readChecksums,
};
