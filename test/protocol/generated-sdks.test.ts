import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { packageSchema } from "../../provider/plugin/schema";
import { LOCAL_CLI_BIN } from "../helpers/find-pulumi-cli";

/*
 * The SDKs Pulumi's own code generators (tools/pulumi/gen-sdk, built by `npm run setup:pulumi`)
 * make from the plugin's schema: what `pulumi package add` would put in a Python or Go project.
 */

const run = promisify(execFile);
const GEN_SDK = join(LOCAL_CLI_BIN, "gen-sdk");
const missing = !existsSync(GEN_SDK) && process.env.CI !== "true";
const title = missing
  ? `SDKs generated from the plugin's schema — skipped: no ${GEN_SDK}; run npm run setup:pulumi`
  : "SDKs generated from the plugin's schema";

async function generate(language: "python" | "go"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `flashback-sdk-${language}-`));
  const schemaFile = join(dir, "schema.json");
  writeFileSync(schemaFile, JSON.stringify(packageSchema("0.1.0")));
  await run(GEN_SDK, [schemaFile, language, join(dir, "sdk")]);
  return join(dir, "sdk");
}

describe.skipIf(missing)(title, () => {
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
