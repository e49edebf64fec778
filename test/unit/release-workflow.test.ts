import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLUGIN_NODE_VERSION } from "../../scripts/plugin-runtime";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * What actionlint (npm run lint:workflows) does not check in the release workflow: how it is
 * pinned, who may write, and in what order it publishes. Read line by line, as GitHub's YAML is
 * written here: two-space indents, one job per `  <name>:` line under `jobs:`.
 */

const workflow = readFileSync(join(REPO_ROOT, ".github", "workflows", "release.yml"), "utf8");

/** Each job's lines, by its name. */
function jobs(): Map<string, string> {
  const body = workflow.slice(workflow.indexOf("\njobs:\n") + "\njobs:\n".length);
  const found = new Map<string, string>();
  for (const block of body.split(/\n(?= {2}[\w-]+:\n)/)) {
    const name = /^ {2}([\w-]+):/.exec(block)?.[1];
    if (name !== undefined) found.set(name, block);
  }
  return found;
}

/** A job's permissions, as `name: level`. */
const permissionsOf = (job: string): string[] =>
  /\n {4}permissions:\n((?: {6}[\w-]+: \w+.*\n)+)/
    .exec(`${job}\n`)?.[1]
    ?.split("\n")
    .filter(Boolean)
    .map((line) => line.trim().replace(/\s*#.*$/, "")) ?? [];

const needsOf = (job: string): string[] => {
  const needs = /\n {4}needs: (.+)\n/.exec(job)?.[1] ?? "";
  return needs
    .replace(/[[\]]/g, "")
    .split(",")
    .map((need) => need.trim())
    .filter(Boolean);
};

/** Commands that run code of npm packages: their install scripts, or the packages themselves. */
const RUNS_NPM_PACKAGES = /\b(npm ci|npm install|npx |npm run )/;

describe("the release workflow", () => {
  it("pins every action by its full commit, with its version in a comment", () => {
    const uses = workflow.split("\n").filter((line) => /^\s*(- )?uses: /.test(line));
    expect(uses.length).toBeGreaterThan(10);
    for (const line of uses) expect(line).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("grants nothing by default, and only read to every job that runs npm packages", () => {
    expect(workflow).toMatch(/\npermissions: \{\}\n/);
    for (const [name, job] of jobs()) {
      expect(permissionsOf(job), name).not.toEqual([]);
      if (RUNS_NPM_PACKAGES.test(job)) expect(permissionsOf(job), name).toEqual(["contents: read"]);
    }
  });

  it("asks for write and OIDC tokens only in the publishing jobs, which run scripts/publish.cjs on node alone", () => {
    const writers = [...jobs()].filter(([, job]) => permissionsOf(job).some((permission) => !permission.endsWith(": read")));
    expect(writers.map(([name]) => name).sort()).toEqual(["github-release", "go", "npm", "pypi"]);
    for (const [name, job] of writers) {
      expect(job, name).toContain("node scripts/publish.cjs");
      expect(job, name).not.toMatch(RUNS_NPM_PACKAGES);
    }
  });

  it("publishes only after every platform's build, the rehearsal, the recorded stacks' upgrade and the GitHub release", () => {
    const all = jobs();
    expect(needsOf(all.get("github-release") ?? "")).toEqual(expect.arrayContaining(["plugin", "linux-amd64"]));
    expect(all.get("linux-amd64")).toContain("npx vitest run test/e2e/release-rehearsal.test.ts test/e2e/upgrade-recorded.test.ts");
    for (const name of ["npm", "pypi", "go"]) expect(needsOf(all.get(name) ?? ""), name).toContain("github-release");
  });

  it("publishes npm with provenance, attests the artifacts, the executables and the checksums, and reads no unset variable", () => {
    const all = jobs();
    expect(all.get("npm")).toContain("node scripts/publish.cjs npm artifacts --provenance");
    expect(all.get("github-release")).toContain("subject-checksums: artifacts/pulumi-flashback_${{ env.VERSION }}_checksums.txt");
    expect(all.get("github-release")).toMatch(
      /subject-path: \|\n\s+artifacts\/pulumi-flashback_\$\{\{ env.VERSION \}\}_checksums.txt\n\s+executables\//,
    );
    expect(workflow).not.toContain("registry-url");
    expect(workflow).not.toMatch(/\$\{\{\s*vars\./);
  });

  it("builds the executables on the Node.js release they embed, set in one place", () => {
    expect(workflow).toContain(`\n  PLUGIN_NODE_VERSION: "${PLUGIN_NODE_VERSION}"\n`);
    const versions = workflow.split("\n").filter((line) => /node-version:/.test(line));
    for (const line of versions) expect(line.trim()).toBe("node-version: ${{ env.PLUGIN_NODE_VERSION }}");
  });

  it("builds on runners GitHub offers: no retired image", () => {
    const runners = workflow.split("\n").filter((line) => /\brunner: |runs-on: /.test(line));
    expect(runners.join("\n")).not.toMatch(/macos-1[0-3]\b|ubuntu-20\.04|windows-2019/);
    for (const platform of ["linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"])
      expect(workflow).toContain(`platform: ${platform} }`);
  });
});
