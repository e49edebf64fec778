import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * What Pulumi's registry checks of a provider's version before it lists it, checked here with the
 * real CLI and no network: `pulumi schema check` on the schema the released plugin serves, and one
 * version named by that schema, package.json and the release tag (`v<version>`, publish.cjs checks).
 */

/** A CLI isolated from the user's: its own Pulumi home, no update check, no plugin download, no colour. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NO_COLOR: "1",
    NO_COLOR: "1",
  };
}

function runCli(cli: string, args: string[]): { status: number | null; output: string } {
  const home = mkdtempSync(join(tmpdir(), "flashback-registry-checks-"));
  try {
    const result = spawnSync(cli, [...args, "--color", "never"], { encoding: "utf8", env: isolatedEnv(home) });
    return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}` };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The schema a plugin executable serves, as the CLI reads it (`pulumi package get-schema`). */
export function schemaOfPlugin(cli: string, plugin: string): Record<string, unknown> {
  const result = runCli(cli, ["package", "get-schema", plugin]);
  if (result.status !== 0) throw new Error(`pulumi package get-schema ${plugin} failed (exit ${result.status}):\n${result.output}`);
  return JSON.parse(result.output) as Record<string, unknown>;
}

/** What `pulumi schema check` finds wrong with a schema: nothing, or one line saying what it printed. */
export function schemaCheckFailures(cli: string, schema: unknown): string[] {
  const folder = mkdtempSync(join(tmpdir(), "flashback-schema-"));
  try {
    const file = join(folder, "schema.json");
    writeFileSync(file, JSON.stringify(schema));
    const result = runCli(cli, ["schema", "check", file]);
    return result.status === 0 ? [] : [`pulumi schema check failed: ${result.output.trim().replace(/\s*\n\s*/g, "; ")}`];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Where the schema's version is not package.json's; the tag against package.json is publish.cjs's `version` step. */
export function schemaVersionDisagreement(schema: Record<string, unknown>, packageVersion: string): string[] {
  return schema.version === packageVersion
    ? []
    : [`the plugin's schema says version ${JSON.stringify(schema.version)}, package.json ${packageVersion}`];
}
