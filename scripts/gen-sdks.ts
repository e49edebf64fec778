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
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packageSchema } from "../provider/plugin/schema";
import { PUBLIC_REPOSITORY } from "../provider/definitions/tokens";
import { packageVersion } from "../provider/plugin/package-version";
import { LOCAL_CLI_BIN, requiredVersion, TOOLS_MODULE_DIR } from "../testkit/find-pulumi-cli";
import { goVersionFloor, listModules } from "./go-version-floor";

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

/**
 * sdk/go's go.mod, on the Go SDK version the CLI is pinned to, and its go.sum. Its `go` line is
 * the lowest its dependencies allow (scripts/go-version-floor.ts), so that Go users are asked for
 * no newer Go than the Pulumi SDK itself asks for; `go mod tidy` must then leave it as written.
 */
function writeGoModule(dir: string): void {
  const sdkVersion = requiredVersion(TOOLS_MODULE_DIR, "github.com/pulumi/pulumi/sdk/v3");
  const goMod = join(dir, "go.mod");
  // Any line will do for resolving the build list: tidy raises it to what the dependencies need.
  writeFileSync(goMod, `module ${PUBLIC_REPOSITORY}/sdk/go\n\ngo 1.21\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${sdkVersion}\n`);
  execFileSync("go", ["mod", "tidy"], { cwd: dir, stdio: "inherit" });
  const floor = goVersionFloor(listModules(dir));
  execFileSync("go", ["mod", "edit", `-go=${floor}`, "-toolchain=none"], { cwd: dir, stdio: "inherit" });
  execFileSync("go", ["mod", "tidy"], { cwd: dir, stdio: "inherit" });
  const written = /^go (\S+)$/m.exec(readFileSync(goMod, "utf8"))?.[1];
  if (written !== floor) throw new Error(`sdk/go/go.mod: go ${floor} written, go mod tidy made it ${written ?? "nothing"}`);
}

if (require.main === module) {
  generateSdks();
  console.log(`gen:sdks: ${SDK_LANGUAGES.map((language) => `sdk/${language}`).join(", ")} written`);
}
