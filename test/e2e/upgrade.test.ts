import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { REPO_ROOT } from "../helpers/run-node";
import { NEWEST_TESTED_PULUMI } from "../helpers/pulumi-sdk-range";

/*
 * Sequence 12 of the real-CLI suite, as a user lives it: the package installed from its packed
 * tarball into a program outside this repository (a real node_modules, no symlink), a stack
 * created, then the program upgraded to a newer packed version. (What happens when the stub
 * itself changes is the main suite's sequence 12.)
 */

const suite = realCliSuite("12. upgrading an installed package under the real pulumi CLI");

let emulator: RunningEmulator;
let work: string;
let stack: CliStack;

const run = (command: string, args: string[], cwd: string): string => execFileSync(command, args, { cwd, encoding: "utf8" });

/** `npm pack` of this package, and the same tarball with its version raised to `newerVersion`. */
function packBoth(newerVersion: string): { current: string; newer: string } {
  const current = join(work, run("npm", ["pack", "--silent", "--pack-destination", work], REPO_ROOT).trim().split("\n").pop() as string);
  const unpacked = join(work, "unpacked");
  mkdirSync(unpacked);
  run("tar", ["xzf", current, "-C", unpacked], work);
  const manifestPath = join(unpacked, "package", "package.json");
  writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, "utf8")), version: newerVersion }, null, 2));
  const newer = join(work, `flashbacktech-pulumi-${newerVersion}.tgz`);
  run("tar", ["czf", newer, "-C", unpacked, "package"], work);
  return { current, newer };
}

function install(programDir: string, tarball: string): void {
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--silent", tarball, `@pulumi/pulumi@${NEWEST_TESTED_PULUMI}`],
    programDir,
  );
}

describe.skipIf(suite.skip)(suite.title, () => {
  let tarballs: { current: string; newer: string };
  let programDir: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    work = mkdtempSync(join(tmpdir(), "flashback-upgrade-"));
    tarballs = packBoth("0.1.1-upgrade-test");
    programDir = join(work, "program");
    mkdirSync(programDir);
    writeFileSync(join(programDir, "Pulumi.yaml"), "name: flashback-upgrade\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(programDir, "package.json"), JSON.stringify({ name: "flashback-upgrade", private: true }));
    writeFileSync(
      join(programDir, "index.js"),
      [
        'const pulumi = require("@pulumi/pulumi");',
        'const { RepoApiKey } = require("@flashbacktech/pulumi");',
        "const config = new pulumi.Config();",
        'const key = new RepoApiKey("upgraded", { repoId: config.require("repoId"), name: config.get("keyName") ?? "upgraded", accessType: "READ" });',
        "exports.keyId = key.id;",
      ].join("\n"),
    );
    install(programDir, tarballs.current);
    // The package declares @pulumi/pulumi as a range, so the program's own copy serves it: one SDK, not two.
    expect(JSON.parse(readFileSync(join(programDir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version).toBe(
      NEWEST_TESTED_PULUMI,
    );
    expect(existsSync(join(programDir, "node_modules", "@flashbacktech", "pulumi", "node_modules", "@pulumi", "pulumi"))).toBe(false);
    stack = await cliStackOnEmulator(emulator, { programDir, stackName: "upgrade" });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emulator?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("a newer version (stub unchanged) previews no change and writes nothing; the key stays manageable", async () => {
    const created = await stack.run(["up", ...UNATTENDED]);
    expect(created.code, created.output).toBe(0);
    const before = keysInState(await stack.exportState())[0];
    expect(before?.outputs?.__provider).toContain('require("@flashbacktech/pulumi/lifecycle")');

    install(programDir, tarballs.newer);
    expect(JSON.parse(readFileSync(join(programDir, "node_modules", "@flashbacktech", "pulumi", "package.json"), "utf8")).version).toBe(
      "0.1.1-upgrade-test",
    );
    emulator.requests.length = 0;
    const preview = await stack.run(["preview", "--non-interactive"]);
    expect(preview.code, preview.output).toBe(0);
    expect(preview.stdout).toMatch(/2 unchanged/);
    const up = await stack.run(["up", ...UNATTENDED]);
    expect(up.code, up.output).toBe(0);
    expect(emulator.requests).toEqual([]);
    expect(keysInState(await stack.exportState())[0]).toMatchObject({
      id: before?.id,
      inputs: { __provider: before?.outputs?.__provider },
    });

    const destroyed = await stack.run(["destroy", ...UNATTENDED]);
    expect(destroyed.code, destroyed.output).toBe(0);
    expect(emulator.store.allKeys()).toEqual([]);
  });

  it(`on @pulumi/pulumi ${NEWEST_TESTED_PULUMI}: a rename is an update in place, a refresh sees drift, destroy removes the key`, async () => {
    const created = await stack.run(["up", ...UNATTENDED]);
    expect(created.code, created.output).toBe(0);
    const [key] = emulator.store.allKeys();

    await stack.setConfig({ keyName: "renamed" });
    emulator.requests.length = 0;
    const renamed = await stack.run(["up", ...UNATTENDED]);
    expect(renamed.code, renamed.output).toBe(0);
    expect(emulator.requests.map((request) => request.method)).toEqual(["GET", "PUT"]);
    expect(emulator.store.allKeys().map(({ id, name }) => [id, name])).toEqual([[key?.id, "renamed"]]);

    emulator.store.update(TEST_REPO, key?.id as string, { name: "renamed-in-console", accessType: "READ" });
    const refreshed = await stack.run(["refresh", ...UNATTENDED]);
    expect(refreshed.code, refreshed.output).toBe(0);
    expect(keysInState(await stack.exportState())[0]?.outputs).toMatchObject({ name: "renamed-in-console", accessType: "READ" });

    const destroyed = await stack.run(["destroy", ...UNATTENDED]);
    expect(destroyed.code, destroyed.output).toBe(0);
    expect(emulator.store.allKeys()).toEqual([]);
  });
});
