import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeRuntimeVerdict, pinnedNodeVersion, supportedNodeFloor } from "../../scripts/supported-node";
import { REPO_ROOT } from "../helpers/run-node";

const pinned = { version: "v26.10.0", path: "/repo/node_modules/node/bin/node" };
const runtimes = { floor: 22, pinned: "v26.10.0" };

describe("which Node.js the README's commands run on", () => {
  it("reads the floor from engines, which is what @pulumi/pulumi demands", () => {
    const sdkEngines = (
      JSON.parse(readFileSync(join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { engines: { node: string } }
    ).engines.node;
    expect(supportedNodeFloor()).toBe(22);
    expect(supportedNodeFloor()).toBeGreaterThanOrEqual(supportedNodeFloor(sdkEngines));
    expect(() => supportedNodeFloor("^22 || ^24")).toThrow('engines.node is "^22 || ^24"');
  });

  it("runs this suite on a supported release, and pins one no older", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(supportedNodeFloor());
    expect(Number(/^v(\d+)\./.exec(pinnedNodeVersion())?.[1])).toBeGreaterThanOrEqual(supportedNodeFloor());
  });

  it("says in one line that an older machine Node.js is passed over, naming both", () => {
    const verdict = nodeRuntimeVerdict({ ...runtimes, running: pinned, machine: { version: "v20.20.2", path: "/usr/bin/node" } });
    expect(verdict).toEqual({
      line: "node: this machine's Node.js v20.20.2 (/usr/bin/node) is older than the >=22 the package needs; running on the pinned v26.10.0 (/repo/node_modules/node/bin/node)",
    });
  });

  it("says nothing where the machine's own Node.js is supported, or is the one running", () => {
    expect(nodeRuntimeVerdict({ ...runtimes, running: pinned, machine: { version: "v22.23.3", path: "/usr/bin/node" } })).toEqual({});
    expect(nodeRuntimeVerdict({ ...runtimes, running: pinned, machine: pinned })).toEqual({});
    expect(nodeRuntimeVerdict({ ...runtimes, running: pinned })).toEqual({});
  });

  it("refuses to go on where the scripts would run on an unsupported Node.js, saying how to get the pinned one", () => {
    const machine = { version: "v20.20.2", path: "/usr/bin/node" };
    expect(nodeRuntimeVerdict({ ...runtimes, running: machine, machine }).refuse).toMatch(
      /^node: this command would run on Node\.js v20\.20\.2 \(\/usr\/bin\/node\), older than the >=22 the package needs, and the pinned v26\.10\.0 is not in node_modules\/\.bin: run npm ci/,
    );
  });
});
