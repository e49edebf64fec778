/*
 * The first step of the README's commands and of .ci/run: which Node.js they run on. npm puts
 * node_modules/.bin first on its scripts' PATH, and the devDependency `node` (pinned in
 * package.json) installs its `node` there, so every process the scripts start runs on that release
 * whatever the machine has. Where the machine's own Node.js (the one running npm) is older than
 * `engines` allows, one line says so; where the pinned one is missing, the command stops, saying why.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..");

interface PackageJson {
  engines: { node: string };
  devDependencies: Record<string, string>;
}

const manifest = (): PackageJson => JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;

/** The oldest Node.js major `engines.node` (">=N") allows: the one place it is written. */
export function supportedNodeFloor(engines: string = manifest().engines.node): number {
  const floor = /^>=\s*(\d+)$/.exec(engines.trim())?.[1];
  if (floor === undefined) throw new Error(`engines.node is "${engines}"; this check reads only ">=N"`);
  return Number(floor);
}

/** The release the devDependency `node` installs into node_modules/.bin. */
export const pinnedNodeVersion = (): string => `v${manifest().devDependencies.node}`;

const major = (version: string): number => Number(/^v(\d+)\./.exec(version)?.[1] ?? 0);

/** What is known of the two Node.js releases in play. */
export interface NodeRuntimes {
  /** The one the scripts run on: node_modules/.bin/node where npm ci installed it. */
  running: { version: string; path: string };
  /** The machine's own, which runs npm; undefined where it could not be asked. */
  machine?: { version: string; path: string };
  floor: number;
  pinned: string;
}

/** Nothing to say, one line to say, or why the command cannot go on. */
export function nodeRuntimeVerdict({ running, machine, floor, pinned }: NodeRuntimes): { line?: string; refuse?: string } {
  if (major(running.version) < floor) {
    return {
      refuse:
        `node: this command would run on Node.js ${running.version} (${running.path}), older than the >=${floor} the package needs, ` +
        `and the pinned ${pinned} is not in node_modules/.bin: run npm ci with install scripts allowed (the devDependency node fetches it as it installs)`,
    };
  }
  if (machine === undefined || major(machine.version) >= floor || machine.path === running.path) return {};
  const which = running.version === pinned ? `the pinned ${pinned}` : running.version;
  return {
    line: `node: this machine's Node.js ${machine.version} (${machine.path}) is older than the >=${floor} the package needs; running on ${which} (${running.path})`,
  };
}

function versionOf(binary: string): string | undefined {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (require.main === module) {
  // npm names the node that runs it; a nested npm (one started by a script) runs on the pinned one.
  const machinePath = process.env.npm_node_execpath;
  const machineVersion = machinePath === undefined ? undefined : versionOf(machinePath);
  const verdict = nodeRuntimeVerdict({
    running: { version: process.version, path: process.execPath },
    machine: machinePath !== undefined && machineVersion !== undefined ? { version: machineVersion, path: machinePath } : undefined,
    floor: supportedNodeFloor(),
    pinned: pinnedNodeVersion(),
  });
  if (verdict.refuse !== undefined) {
    console.error(verdict.refuse);
    process.exit(1);
  }
  if (verdict.line !== undefined) console.log(verdict.line);
}
