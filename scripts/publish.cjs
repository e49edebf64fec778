#!/usr/bin/env node
// @ts-check
/*
 * `node scripts/publish.cjs <step> <artifacts...> [options]`: every publishing step of a release,
 * the same commands wherever they run. The release workflow (.github/workflows/release.yml) runs
 * them against GitHub, npm, PyPI and the Go module proxy; the release rehearsal
 * (test/e2e/release-rehearsal.test.ts) runs them against registries it starts on 127.0.0.1.
 *
 * Each step takes the artifacts `npm run release` wrote (a folder, or files) and picks the files of
 * its kind by name (scripts/release-artifacts.cjs). A file that is no artifact of this release, a
 * file of another kind handed to a step by name, a missing file or a stale checksum is refused
 * before anything is sent: twine handed the plugin tarballs, or a release whose checksums do not
 * match, fails here, naming the files. Node's built-ins only (release-artifacts.cjs says why).
 *
 *   version --tag <vX.Y.Z>                    the tag names package.json's version, a releasable one
 *   checksums <dir>                           (re)writes the checksums file over every artifact in <dir>
 *   release-assets <dir> --github <tag> | --upload-to <url> [--platforms linux-amd64,...]
 *                                             the GitHub release (gh), or a mirror (HTTP PUT of each file)
 *   npm <dir> [--registry <url>] [--provenance]   npm publish; the token is NODE_AUTH_TOKEN
 *   pypi <dir> [--repository-url <url>] [--python <python with twine>]
 *                                             twine upload of the wheel and the sdist; TWINE_* as twine reads them
 *   go-tag <dir> --tag <vX.Y.Z> [--repo <git dir>] [--remote <name or url>]
 *                                             tags sdk/go/vX.Y.Z, once the module zip is what git holds there
 *   go-proxy <dir> --to <folder>              the module zip as a GOPROXY=file:// folder serves it
 */
"use strict";

const { execFileSync } = require("node:child_process");
const {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { tmpdir } = require("node:os");
const { basename, dirname, join, resolve } = require("node:path");
const { parseArgs } = require("node:util");
const { readZip } = require("./go-module-zip.cjs");
const names = require("./release-artifacts.cjs");

const ROOT = resolve(__dirname, "..");

/** @typedef {import("./release-artifacts.cjs").Artifact & { path: string }} LocatedArtifact */
/** @typedef {import("./release-artifacts.cjs").ArtifactKind} ArtifactKind */
/** @typedef {{ name: string, version: string }} Manifest */

class Refusal extends Error {}

/**
 * The artifacts in `paths` (folders, each read whole, or files), every one of this release.
 * @param {string[]} paths @param {Manifest} manifest
 * @returns {{ artifacts: LocatedArtifact[], named: boolean }} named: the files were given one by one
 */
function artifactsIn(paths, manifest) {
  if (paths.length === 0) throw new Refusal("name the artifacts: a folder (dist/release) or files");
  const named = paths.some((path) => !statSync(path).isDirectory());
  const files = paths.flatMap((path) => (statSync(path).isDirectory() ? readdirSync(path).map((file) => join(path, file)) : [path]));
  const classified = files.map((path) => ({ path, ...names.classify(basename(path), manifest.name, manifest.version) }));
  const refused = classified.flatMap((file) => ("refused" in file ? [file.refused] : []));
  if (refused.length > 0) throw new Refusal(`refusing files that are no artifact of this release:\n  ${refused.join("\n  ")}`);
  return { artifacts: /** @type {LocatedArtifact[]} */ (classified), named };
}

/**
 * The artifacts of `kinds` among `found`, each kind present. Files named one by one must all be of
 * those kinds: a step is never handed another step's files.
 * @param {string} step @param {{ artifacts: LocatedArtifact[], named: boolean }} found @param {ArtifactKind[]} kinds
 */
function select(step, found, kinds) {
  const wanted = kinds.map((kind) => names.KIND_NAMES[kind]).join(", ");
  const foreign = found.artifacts.filter((artifact) => !kinds.includes(artifact.kind));
  if (found.named && foreign.length > 0) {
    const list = foreign.map((artifact) => `${artifact.name} (${names.KIND_NAMES[artifact.kind]})`).join("\n  ");
    throw new Refusal(`${step} publishes ${wanted} and nothing else; refusing:\n  ${list}`);
  }
  const chosen = found.artifacts.filter((artifact) => kinds.includes(artifact.kind));
  const missing = kinds.filter((kind) => !chosen.some((artifact) => artifact.kind === kind));
  if (missing.length > 0)
    throw new Refusal(`${step} needs ${missing.map((kind) => names.KIND_NAMES[kind]).join(", ")}: not among the artifacts`);
  return chosen;
}

/** @param {LocatedArtifact[]} artifacts @param {ArtifactKind} kind */
const pathOf = (artifacts, kind) => /** @type {LocatedArtifact} */ (artifacts.find((artifact) => artifact.kind === kind)).path;

/** Runs a command with its output shown, or throws naming it. @param {string} command @param {string[]} args @param {import("node:child_process").ExecFileSyncOptions} [options] */
function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: "inherit", ...options });
}

/** @param {string} command @param {string[]} args @param {string} [cwd] */
const output = (command, args, cwd = ROOT) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();

/** @param {string} tag @param {Manifest} manifest */
function checkTag(tag, manifest) {
  if (tag !== `v${manifest.version}`)
    throw new Refusal(`the tag ${tag} does not name package.json's version ${manifest.version} (v${manifest.version})`);
  const unreleasable = names.unreleasableVersion(manifest.version);
  if (unreleasable !== undefined) throw new Refusal(`refusing to release ${unreleasable}`);
}

/**
 * The plugin tarballs of `platforms`, the SDK artifacts and the checksums file, whose list and
 * digests must be exactly these files': what a GitHub release or a mirror holds.
 * @param {{ artifacts: LocatedArtifact[], named: boolean }} found @param {string[]} platforms @param {Manifest} manifest
 */
function releaseAssets(found, platforms, manifest) {
  const unknown = platforms.filter((platform) => !names.PLATFORMS.includes(platform));
  if (unknown.length > 0) throw new Refusal(`no such platform: ${unknown.join(", ")}; the platforms are ${names.PLATFORMS.join(", ")}`);
  const assets = select("release-assets", found, ["checksums", "npm", "wheel", "sdist", "go-module", "plugin"]);
  const missing = platforms.filter((platform) => !assets.some((asset) => asset.platform === platform));
  if (missing.length > 0)
    throw new Refusal(`the plugin tarballs of ${missing.join(", ")} are missing: a release waits for every platform's build`);
  const chosen = assets.filter((asset) => asset.kind !== "plugin" || platforms.includes(/** @type {string} */ (asset.platform)));
  const checksumsFile = pathOf(chosen, "checksums");
  const listed = names.readChecksums(dirname(checksumsFile), manifest.version);
  const others = chosen.filter((asset) => asset.kind !== "checksums");
  const wrong = [
    ...others
      .filter((asset) => listed.get(asset.name) !== names.sha256Of(asset.path))
      .map((asset) => `${asset.name}: its SHA-256 is not the one listed`),
    ...[...listed.keys()].filter((name) => !others.some((asset) => asset.name === name)).map((name) => `${name}: listed, not released`),
  ];
  if (wrong.length > 0) throw new Refusal(`${basename(checksumsFile)} does not match the release:\n  ${wrong.join("\n  ")}`);
  return chosen;
}

/** `//host/path/:_authToken`: the key npm reads a registry's token from. @param {string} registry */
const npmTokenKey = (registry) => `${registry.replace(/^https?:/, "").replace(/\/?$/, "/")}:_authToken`;

/** @param {LocatedArtifact} tarball @param {{ registry?: string, provenance: boolean }} options */
function publishNpm(tarball, options) {
  if (!process.env.NODE_AUTH_TOKEN) throw new Refusal("NODE_AUTH_TOKEN is not set: npm publish needs the registry's token there");
  // The registry npm is configured for unless told (the public one on GitHub's runners): never written here.
  const registry = options.registry ?? output("npm", ["config", "get", "registry"]);
  const scratch = mkdtempSync(join(tmpdir(), "flashback-publish-npm-"));
  try {
    // npm reads ${NODE_AUTH_TOKEN} from the environment itself: the token is never written to a file.
    const npmrc = join(scratch, "npmrc");
    writeFileSync(npmrc, `registry=${registry}\n${npmTokenKey(registry)}=\${NODE_AUTH_TOKEN}\n`);
    const flags = ["--access", "public", "--registry", registry, "--userconfig", npmrc, ...(options.provenance ? ["--provenance"] : [])];
    run("npm", ["publish", tarball.path, ...flags]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return registry;
}

/** @param {LocatedArtifact[]} distributions @param {{ repositoryUrl?: string, python: string }} options */
function publishPypi(distributions, options) {
  const files = distributions.map((distribution) => distribution.path);
  // On PyPI with no password, twine (6.1 and later) publishes through trusted publishing: GitHub's OIDC token.
  const env = { ...process.env, TWINE_USERNAME: process.env.TWINE_USERNAME ?? "__token__", TWINE_NON_INTERACTIVE: "1" };
  run(options.python, ["-m", "twine", "check", ...files], { env });
  const target = options.repositoryUrl === undefined ? [] : ["--repository-url", options.repositoryUrl];
  // No --skip-existing: twine allows it on PyPI alone, and the rehearsal runs this very command elsewhere.
  run(options.python, ["-m", "twine", "upload", "--disable-progress-bar", ...target, ...files], { env });
}

/**
 * The module zip's go.mod and prefix: every file under `<module>@v<version>/`, as the proxy serves it.
 * @param {string} zipPath @param {Manifest} manifest
 */
function moduleOfZip(zipPath, manifest) {
  const entries = readZip(zipPath);
  const goMod = [...entries.keys()].find((name) => /^[^@]+@[^/]+\/go\.mod$/.test(name));
  if (goMod === undefined) throw new Refusal(`${basename(zipPath)} holds no go.mod at its root`);
  const [modulePath, version] = goMod.slice(0, -"/go.mod".length).split("@");
  const prefix = `${modulePath}@${version}/`;
  if (version !== `v${manifest.version}`)
    throw new Refusal(`${basename(zipPath)} holds ${modulePath} ${version}, not v${manifest.version}`);
  const stray = [...entries.keys()].filter((name) => !name.startsWith(prefix));
  if (stray.length > 0) throw new Refusal(`${basename(zipPath)} holds files outside ${prefix}: ${stray.join(", ")}`);
  const declared = /^module\s+(\S+)/m.exec(String(entries.get(goMod)))?.[1];
  if (declared !== modulePath) throw new Refusal(`${basename(zipPath)} is laid out as ${modulePath}, but its go.mod declares ${declared}`);
  return { modulePath: String(modulePath), version: String(version), prefix, entries, goMod: /** @type {Buffer} */ (entries.get(goMod)) };
}

/** A module path as the proxy protocol writes it in URLs and folders: each capital letter `!` and lower case. @param {string} path */
const escapeModulePath = (path) => path.replace(/[A-Z]/g, (letter) => `!${letter.toLowerCase()}`);

/** @param {string} zipPath @param {string} folder @param {Manifest} manifest */
function writeGoProxy(zipPath, folder, manifest) {
  const module = moduleOfZip(zipPath, manifest);
  const versions = join(folder, escapeModulePath(module.modulePath), "@v");
  mkdirSync(versions, { recursive: true });
  copyFileSync(zipPath, join(versions, `${module.version}.zip`));
  writeFileSync(join(versions, `${module.version}.mod`), module.goMod);
  writeFileSync(
    join(versions, `${module.version}.info`),
    `${JSON.stringify({ Version: module.version, Time: new Date().toISOString() })}\n`,
  );
  const list = join(versions, "list");
  if (!existsSync(list) || !readFileSync(list, "utf8").split("\n").includes(module.version)) appendFileSync(list, `${module.version}\n`);
  return module;
}

/**
 * Tags the module's folder at HEAD as the module proxy expects a nested module's version
 * (`sdk/go/vX.Y.Z`), once the zip holds exactly what git holds there: the module the proxy will zip
 * from the tag is then the one the release was tested with.
 * @param {string} zipPath @param {{ tag: string, repo: string, remote: string }} options @param {Manifest} manifest
 */
function tagGoModule(zipPath, options, manifest) {
  checkTag(options.tag, manifest);
  const module = moduleOfZip(zipPath, manifest);
  const folder = "sdk/go";
  const tracked = output("git", ["ls-tree", "-r", "--name-only", "HEAD", folder], options.repo).split("\n").filter(Boolean);
  // Each file the proxy zips, by its name in the module, and where git holds it. Go adds the
  // repository's root LICENSE to a nested module that has none of its own.
  const expected = new Map(tracked.map((file) => [file.slice(folder.length + 1), file]));
  if (!expected.has("LICENSE")) expected.set("LICENSE", "LICENSE");
  const inZip = [...module.entries.keys()].map((name) => name.slice(module.prefix.length));
  const differing = [
    ...[...expected].filter(([name]) => !inZip.includes(name)).map(([, file]) => `${file}: in git, not in the zip`),
    ...inZip.filter((name) => !expected.has(name)).map((name) => `${folder}/${name}: in the zip, not in git`),
    ...[...expected]
      .filter(([name]) => inZip.includes(name))
      .filter(([name, file]) => {
        const committed = execFileSync("git", ["show", `HEAD:${file}`], { cwd: options.repo });
        return !committed.equals(/** @type {Buffer} */ (module.entries.get(module.prefix + name)));
      })
      .map(([, file]) => `${file}: differs from the commit`),
  ];
  if (differing.length > 0) throw new Refusal(`the module zip is not what git holds in ${folder} at HEAD:\n  ${differing.join("\n  ")}`);
  const tag = `${folder}/${options.tag}`;
  run("git", ["tag", tag, "HEAD"], { cwd: options.repo });
  run("git", ["push", options.remote, `refs/tags/${tag}`], { cwd: options.repo });
  return tag;
}

/** @param {LocatedArtifact[]} assets @param {string} url */
async function uploadAssets(assets, url) {
  for (const asset of assets) {
    const target = `${url.replace(/\/$/, "")}/${asset.name}`;
    const response = await fetch(target, { method: "PUT", body: readFileSync(asset.path) }).catch((/** @type {Error} */ error) => {
      throw new Refusal(`PUT ${target} failed: ${error.cause instanceof Error ? error.cause.message : error.message}`);
    });
    if (!response.ok) throw new Refusal(`PUT ${target} answered ${response.status} ${response.statusText}`);
  }
}

/** @param {string[]} argv */
async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tag: { type: "string" },
      github: { type: "string" },
      "upload-to": { type: "string" },
      platforms: { type: "string" },
      registry: { type: "string" },
      provenance: { type: "boolean", default: false },
      "repository-url": { type: "string" },
      python: { type: "string", default: "python3" },
      repo: { type: "string", default: ROOT },
      remote: { type: "string", default: "origin" },
      to: { type: "string" },
    },
  });
  const [step, ...paths] = positionals;
  const manifest = names.packageManifest(ROOT);
  /** @param {string} text */
  const say = (text) => console.log(`publish ${step}: ${text}`);
  switch (step) {
    case "version": {
      checkTag(required(values.tag, "--tag"), manifest);
      return void console.log(manifest.version);
    }
    case "checksums": {
      const [dir] = paths;
      if (paths.length !== 1 || !statSync(String(dir)).isDirectory()) throw new Refusal("checksums takes one folder");
      artifactsIn(paths, manifest);
      return say(`${names.checksumsName(manifest.version)} lists ${names.writeChecksums(String(dir), manifest.version).length} artifacts`);
    }
    case "release-assets": {
      const platforms = values.platforms === undefined ? [...names.PLATFORMS] : values.platforms.split(",");
      const assets = releaseAssets(artifactsIn(paths, manifest), platforms, manifest);
      if (values.github !== undefined) {
        checkTag(values.github, manifest);
        const files = assets.map((asset) => asset.path);
        run("gh", ["release", "create", values.github, ...files, "--verify-tag", "--title", values.github, "--generate-notes"]);
        return say(`${assets.length} assets on the GitHub release ${values.github}`);
      }
      const url = required(values["upload-to"], "--github <tag> or --upload-to <url>");
      await uploadAssets(assets, url);
      return say(`${assets.length} assets uploaded to ${url}`);
    }
    case "npm": {
      const [tarball] = select("npm", artifactsIn(paths, manifest), ["npm"]);
      const registry = publishNpm(/** @type {LocatedArtifact} */ (tarball), { registry: values.registry, provenance: values.provenance });
      return say(`${manifest.name}@${manifest.version} published to ${registry}`);
    }
    case "pypi": {
      const distributions = select("pypi", artifactsIn(paths, manifest), ["wheel", "sdist"]);
      publishPypi(distributions, { repositoryUrl: values["repository-url"], python: String(values.python) });
      return say(`${distributions.map((distribution) => distribution.name).join(" and ")} uploaded`);
    }
    case "go-tag": {
      const [zip] = select("go-tag", artifactsIn(paths, manifest), ["go-module"]);
      const tag = tagGoModule(
        /** @type {LocatedArtifact} */ (zip).path,
        { tag: required(values.tag, "--tag"), repo: String(values.repo), remote: String(values.remote) },
        manifest,
      );
      return say(`${tag} pushed to ${values.remote}`);
    }
    case "go-proxy": {
      const [zip] = select("go-proxy", artifactsIn(paths, manifest), ["go-module"]);
      const module = writeGoProxy(/** @type {LocatedArtifact} */ (zip).path, required(values.to, "--to"), manifest);
      return say(`${module.modulePath} ${module.version} in ${values.to}`);
    }
    default:
      throw new Refusal(`no step ${step ?? "given"}: the steps are version, checksums, release-assets, npm, pypi, go-tag, go-proxy`);
  }
}

/** @template T @param {T | undefined} value @param {string} flag @returns {T} */
function required(value, flag) {
  if (value === undefined) throw new Refusal(`missing ${flag}`);
  return value;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((/** @type {unknown} */ error) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`publish ${process.argv[2] ?? ""}: ${message}`);
    process.exit(1);
  });
}

module.exports = { escapeModulePath, npmTokenKey };
