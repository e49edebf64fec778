import { execFile } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-node";

/* Run after the build (npm test builds first): what the built package is, not its sources. */

/** What `npm publish` would ship: the built files, the plugin's executable, the README, LICENSE and CHANGELOG, nothing else. */
const ALLOWED = [
  /^dist\/.+\.js$/,
  /^dist\/.+\.d\.ts$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^package\.json$/,
  /^bin\/pulumi-resource-flashback$/,
];

let files: string[];
beforeAll(async () => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  files = (JSON.parse(output) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((file) => file.path) ?? [];
});

describe("npm pack", () => {
  it("ships only built files, the plugin's executable, README, LICENSE and CHANGELOG", () => {
    expect(files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)))).toEqual([]);
  });

  it("ships what the exports and the bin point to", () => {
    for (const file of [
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/lifecycle-entry.js",
      "dist/provider/dynamic/stub.js",
      "dist/provider/testing/index.js",
      "dist/emulator/index.js",
      "dist/emulator/cli.js",
      "dist/provider/audit/cli.js",
      "dist/provider/esc/cli.js",
      "dist/provider/esc/lambda-front.js",
      "dist/provider/plugin/main.js",
      "bin/pulumi-resource-flashback",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
    ]) {
      expect(files).toContain(file);
    }
  });

  it("ships no tests, examples, source maps or emulator state, nor the stand-in language hosts or the bundler's module twin", () => {
    expect(files.filter((file) => /(^|\/)(test|examples|bench)\/|\.map$|\.test\.|emulator\.json$/.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith("dist/tools/") || file.includes("pulumi-modules.bundled"))).toEqual([]);
  });
});
