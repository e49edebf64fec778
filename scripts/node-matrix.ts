/*
 * `npm run test:node-matrix [-- 22 24]`: the unit, protocol and dynamic-front suites on the other
 * supported Node.js lines, where `npm test` runs everything on the pinned one (package.json's
 * devDependency `node`). Each line is one exact release: the machine's own `node` where it is that
 * release (the workflow's matrix sets it up), else Node's binary fetched as the package
 * `node-<os>-<arch>` and checked against the integrity pinned here. Without arguments, the floor (22).
 *
 * To move a line: change its version, and each integrity to `npm view node-<os>-<arch>@<version> dist.integrity`.
 */
import { spawnSync } from "node:child_process";
import { delimiter, dirname, join } from "node:path";
import { pathDirsOutsideNodeModules } from "../testkit/find-pulumi-cli";
import { fetchedNodeRuntime } from "./plugin-runtime";

const ROOT = join(__dirname, "..");
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");
/** Where a fetched release is kept between runs; `npm ci` clears it, npm's own cache keeps the download. */
const LINES_CACHE = join(ROOT, "node_modules", ".cache", "flashback-node-lines");

/** The suites that run on every line: no real CLI, no Go; the dynamic front is test/provider's and test/protocol's. */
export const MATRIX_SUITES = ["test/unit", "test/protocol", "test/provider"];

/** The other supported lines, one release each, with the registry's integrity of its package per platform. */
export const NODE_LINES: Record<string, { version: string; integrity: Partial<Record<string, string>> }> = {
  "22": {
    version: "22.23.5",
    integrity: {
      "linux-x64": "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==",
      "linux-arm64": "sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==",
    },
  },
  "24": {
    version: "24.22.3",
    integrity: {
      "linux-x64": "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
      "linux-arm64": "sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==",
    },
  },
};

const say = (text: string): void => console.log(`test:node-matrix: ${text}`);

/** The machine's own `node` (first on the PATH outside node_modules), where it is exactly `version`. */
function machineNode(version: string): string | undefined {
  for (const dir of pathDirsOutsideNodeModules()) {
    const result = spawnSync(join(dir, "node"), ["--version"], { encoding: "utf8" });
    if (result.error === undefined) return result.stdout.trim() === `v${version}` ? join(dir, "node") : undefined;
  }
  return undefined;
}

/** The binary of one line: the machine's, else fetched; a platform with no pinned package is refused, naming the release. */
function nodeOfLine(line: string): string {
  const release = NODE_LINES[line];
  if (release === undefined) throw new Error(`no pinned release of Node.js ${line}; the lines are ${Object.keys(NODE_LINES).join(", ")}`);
  const own = machineNode(release.version);
  if (own !== undefined) return own;
  const platform = `${process.platform}-${process.arch}`;
  const integrity = release.integrity[platform];
  if (integrity === undefined)
    throw new Error(`no pinned package of Node.js ${release.version} for ${platform}: put that release first on the PATH`);
  return fetchedNodeRuntime({ version: release.version, platform, integrity, cache: LINES_CACHE });
}

/** vitest on the matrix suites, every process on `node`: it is first on the PATH, and vitest's workers fork from it. */
function runSuites(node: string): number {
  const env = { ...process.env, PATH: [dirname(node), ...(process.env.PATH ?? "").split(delimiter)].join(delimiter) };
  const result = spawnSync(node, [VITEST, "run", ...MATRIX_SUITES], { cwd: ROOT, env, stdio: "inherit" });
  return result.status ?? 1;
}

if (require.main === module) {
  const lines = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["22"];
  const failed: string[] = [];
  for (const line of lines) {
    const started = Date.now();
    const node = nodeOfLine(line);
    say(
      `Node.js ${line}: ${node} (fetched or found in ${((Date.now() - started) / 1000).toFixed(1)} s), running ${MATRIX_SUITES.join(" ")}`,
    );
    if (runSuites(node) !== 0) failed.push(line);
    say(`Node.js ${line}: ${failed.includes(line) ? "failed" : "passed"} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  if (failed.length > 0) {
    say(`failed on Node.js ${failed.join(", ")}`);
    process.exit(1);
  }
}
