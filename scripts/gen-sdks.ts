/*
 * `npm run gen:sdks`: the Python and Go SDKs in sdk/python and sdk/go, generated from the plugin's
 * schema with the CLI's own code generators (gen-sdk, built by `npm run setup:pulumi`), as
 * Pulumi's providers keep theirs in their repositories. They are committed; the real-CLI suite
 * regenerates them and fails on any difference (test/e2e/generated-sdks.test.ts).
 *
 * sdk/go is a module of its own (go.mod written here, go.sum by `go mod tidy`), so that `go get`
 * of the public home's sdk/go fetches the SDK and nothing else.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packageSchema, PUBLIC_REPOSITORY } from "../provider/plugin/schema";
import { packageVersion } from "../provider/plugin/package-version";
import { LOCAL_CLI_BIN, requiredVersion, TOOLS_MODULE_DIR } from "../testkit/find-pulumi-cli";

const ROOT = resolve(__dirname, "..");
export const SDK_LANGUAGES = ["python", "go"] as const;
export type SdkLanguage = (typeof SDK_LANGUAGES)[number];

/** Writes the SDK of each language under `outDir/<language>` (sdk/ by default), replacing what was there. */
export function generateSdks(outDir: string = join(ROOT, "sdk")): void {
  const genSdk = join(LOCAL_CLI_BIN, "gen-sdk");
  if (!existsSync(genSdk)) throw new Error(`no ${genSdk}: run npm run setup:pulumi first`);
  const scratch = mkdtempSync(join(tmpdir(), "flashback-gen-sdks-"));
  try {
    const schemaFile = join(scratch, "schema.json");
    writeFileSync(schemaFile, JSON.stringify(packageSchema(packageVersion()), null, 2));
    for (const language of SDK_LANGUAGES) {
      const target = join(outDir, language);
      rmSync(target, { recursive: true, force: true });
      execFileSync(genSdk, [schemaFile, language, target], { stdio: "inherit" });
    }
    writeGoModule(join(outDir, "go"));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** sdk/go's go.mod, on the Go SDK version the CLI is pinned to, and its go.sum. */
function writeGoModule(dir: string): void {
  const sdkVersion = requiredVersion(TOOLS_MODULE_DIR, "github.com/pulumi/pulumi/sdk/v3");
  writeFileSync(
    join(dir, "go.mod"),
    `module ${PUBLIC_REPOSITORY}/sdk/go\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${sdkVersion}\n`,
  );
  execFileSync("go", ["mod", "tidy"], { cwd: dir, stdio: "inherit" });
}

if (require.main === module) {
  generateSdks();
  console.log(`gen:sdks: ${SDK_LANGUAGES.map((language) => `sdk/${language}`).join(", ")} written`);
}
