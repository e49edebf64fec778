/*
 * The Node.js the standalone plugin embeds, one exact release for every platform, so that the
 * executable the suites run here is the one the release workflow ships. Node 26: in long-term
 * support until April 2029, and the first line whose `node --build-sea` builds the executable by
 * itself (no postject). The workflow's plugin builds run on this release (actions/setup-node); a
 * machine on another Node.js (this project's has Node 20) builds with Node's own binary for its
 * platform, which the npm registry serves as the package `node-<os>-<arch>`, fetched with npm at
 * this version and checked against the integrity pinned here, as a lockfile would pin it.
 *
 * To move to a newer release: change the version, and each integrity to
 * `npm view node-<os>-<arch>@<version> dist.integrity`.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
export const PLUGIN_NODE_VERSION = "26.12.1";
/** esbuild's target for the bundle: the embedded runtime's major line. */
export const PLUGIN_NODE_TARGET = `node${PLUGIN_NODE_VERSION.split(".")[0]}`;

/**
 * The registry's integrity of `node-<os>-<arch>@PLUGIN_NODE_VERSION`, for the platforms whose
 * package the registry serves at that version (the macOS and Windows packages lag behind Node's
 * releases: those builds run on the release itself, as the workflow's do).
 */
const NODE_PACKAGE_INTEGRITY: Partial<Record<string, string>> = {
  "linux-x64": "sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==",
  "linux-arm64": "sha512-8Oxs6Y7rDcKufVIM/zYRSwytj46WOrZk7yFCLTKDcs17bBjAeD9HMAqo97hMfMyxozIud0S4vZCs5WB/3iavNQ==",
};
/** Where a fetched runtime is kept between builds; `npm ci` clears it, npm's own cache keeps the download. */
const RUNTIME_CACHE = join(ROOT, "node_modules", ".cache", "flashback-plugin-node");

/** Where the runtime comes from; the defaults are the pins above, other values are for the tests. */
export interface RuntimeSource {
  platform?: string;
  integrity?: Partial<Record<string, string>>;
  cache?: string;
}

/** The `node` binary to build the plugin with, and to embed: this process's if it is the pinned release, else fetched. */
export function pluginNodeRuntime(source: RuntimeSource = {}): string {
  if (process.version === `v${PLUGIN_NODE_VERSION}`) return process.execPath;
  const { platform = `${process.platform}-${process.arch}`, integrity: pins = NODE_PACKAGE_INTEGRITY, cache = RUNTIME_CACHE } = source;
  const integrity = pins[platform];
  if (integrity === undefined) {
    throw new Error(
      `the plugin embeds Node.js ${PLUGIN_NODE_VERSION}, and this is ${process.version} on ${platform}: ` +
        `run the build on Node.js ${PLUGIN_NODE_VERSION} (the release workflow does), or on ${Object.keys(pins).join(" or ")}, where it is fetched`,
    );
  }
  return fetchedNodeRuntime({ version: PLUGIN_NODE_VERSION, platform, integrity, cache });
}

/**
 * Node's own binary of `version` for `platform`, from the package `node-<platform>` (the integrity
 * pinned by the caller), kept in `cache` between runs: for the plugin, and for the suites' other Node.js lines.
 */
export function fetchedNodeRuntime({ version, platform, integrity, cache = RUNTIME_CACHE }: NodeRelease & { cache?: string }): string {
  const home = join(cache, `v${version}-${platform}`);
  const binary = join(home, "package", "bin", "node");
  if (!existsSync(binary) || runtimeVersion(binary) !== `v${version}`) fetchRuntime(`node-${platform}@${version}`, integrity, home);
  const fetched = runtimeVersion(binary);
  if (fetched !== `v${version}`) throw new Error(`${binary} is Node.js ${fetched}, not ${version}`);
  return binary;
}

/** One release of Node.js for one platform, as the registry's package `node-<platform>` holds it. */
export interface NodeRelease {
  version: string;
  platform: string;
  integrity: string;
}

/** `npm pack` of the package (npm's registry and cache, as configured), its integrity checked, its `bin/node` unpacked into `home`. */
function fetchRuntime(spec: string, integrity: string, home: string): void {
  const scratch = mkdtempSync(join(tmpdir(), "flashback-plugin-node-"));
  try {
    execFileSync("npm", ["pack", spec, "--silent", "--pack-destination", scratch], { stdio: ["ignore", "ignore", "inherit"] });
    const [tarball] = readdirSync(scratch).filter((file) => file.endsWith(".tgz"));
    if (tarball === undefined) throw new Error(`npm pack ${spec} wrote no tarball`);
    const got = `sha512-${createHash("sha512")
      .update(readFileSync(join(scratch, tarball)))
      .digest("base64")}`;
    if (got !== integrity) throw new Error(`${spec} has integrity ${got}, not the pinned ${integrity}: refusing to use it`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    execFileSync("tar", ["-xzf", join(scratch, tarball), "-C", home, "package/bin/node"], { stdio: "inherit" });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runtimeVersion(binary: string): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
}
