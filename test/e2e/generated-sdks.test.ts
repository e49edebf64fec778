import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findPulumiCli, realCliSuite } from "../../testkit/find-pulumi-cli";
import { generateSdks, SDK_LANGUAGES } from "../../scripts/gen-sdks";
import { PLUGIN_EXECUTABLE } from "../helpers/plugin-program-suite";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * The SDKs `pulumi package gen-sdk` makes from the plugin's schema, which it asks the plugin for:
 * what `pulumi package add` puts in a Python or Go program, and what a publisher would ship.
 */

const run = promisify(execFile);
const suite = realCliSuite("SDKs that pulumi package gen-sdk generates from the plugin", { languageHost: "python" });

async function generate(language: "python" | "go"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `flashback-sdk-${language}-`));
  // A relative --out, as a user types it: the SDK lands under the CLI's working directory.
  await run(findPulumiCli() as string, ["package", "gen-sdk", PLUGIN_EXECUTABLE, "--language", language, "--out", "sdk"], {
    cwd: dir,
    env: { ...process.env, PULUMI_HOME: join(dir, "pulumi-home"), PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  return join(dir, "sdk", language);
}

describe.skipIf(suite.skip)(suite.title, () => {
  it("the committed sdk/python and sdk/go are what npm run gen:sdks makes from today's schema", () => {
    const fresh = mkdtempSync(join(tmpdir(), "flashback-sdks-"));
    generateSdks(fresh);
    for (const language of SDK_LANGUAGES) {
      const committed = join(REPO_ROOT, "sdk", language);
      const files = (dir: string) =>
        readdirSync(dir, { recursive: true, encoding: "utf8" })
          .filter((file) => statSync(join(dir, file)).isFile())
          .sort();
      expect(files(committed), `sdk/${language}: run npm run gen:sdks and commit`).toEqual(files(join(fresh, language)));
      for (const file of files(committed)) {
        expect(readFileSync(join(committed, file), "utf8"), `sdk/${language}/${file}: run npm run gen:sdks and commit`).toBe(
          readFileSync(join(fresh, language, file), "utf8"),
        );
      }
    }
  });

  it("python: pulumi_flashback.RepoApiKey, key and secret additional secret outputs, the provider's config, valid Python", async () => {
    const sdk = await generate("python");
    const resource = readFileSync(join(sdk, "pulumi_flashback", "repo_api_key.py"), "utf8");
    expect(resource).toContain("class RepoApiKey(pulumi.CustomResource)");
    expect(resource).toContain('additional_secret_outputs=["key", "secret"]');
    expect(resource).toContain('"flashback:index:RepoApiKey"');
    expect(readFileSync(join(sdk, "pulumi_flashback", "config", "vars.py"), "utf8")).toMatch(
      /def access_token[\s\S]*?__config__\.get\('accessToken'\)/,
    );
    await run("python3", [
      "-m",
      "py_compile",
      join(sdk, "pulumi_flashback", "repo_api_key.py"),
      join(sdk, "pulumi_flashback", "provider.py"),
    ]);
  });

  it("go: flashback.NewRepoApiKey with key and secret additional secret outputs, valid Go", async () => {
    const sdk = await generate("go");
    const resource = readFileSync(join(sdk, "flashback", "repoApiKey.go"), "utf8");
    expect(resource).toContain("func NewRepoApiKey(");
    expect(resource).toMatch(/AdditionalSecretOutputs\(\[\]string\{\s*"key",\s*"secret",\s*\}\)/);
    const { stdout } = await run("gofmt", ["-l", join(sdk, "flashback")]);
    expect(stdout).toBe("");
  });
});
