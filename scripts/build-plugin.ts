/*
 * `npm run build:plugin`: `pulumi-resource-flashback` as one executable for the machine it runs on,
 * which needs no Node.js and no node_modules where it runs: the way Pulumi's providers written in
 * TypeScript ship (pulumi-awsx, pulumi-eks), with Node's own single-executable applications
 * instead of vercel/pkg, which cannot fetch its Node builds here and is archived.
 *
 * 1. esbuild bundles the plugin (provider/plugin/main.ts) and all it requires into one CommonJS
 *    file, the version stamped in, Pulumi's protocol modules named statically (pulumi-modules.bundled.ts).
 * 2. `node --experimental-sea-config` turns the bundle into a blob, with V8's code cache for a fast start.
 * 3. postject injects the blob into a copy of the node binary running this script.
 *
 * The same plugin, on the same lifecycle, answering the same schema: only how it is packed differs.
 * Run here on linux-x64; the macOS and Windows steps (signatures, `.exe`) follow Node's docs and run
 * only in the release workflow (.github/workflows/release.yml).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { packageVersion } from "../provider/plugin/package-version";

const ROOT = resolve(__dirname, "..");
export const PLUGIN_BUILD_DIR = join(ROOT, "dist", "plugin");
/** `pulumi-resource-flashback`, with `.exe` on Windows, where Pulumi looks for that name. */
export const PLUGIN_BINARY = join(PLUGIN_BUILD_DIR, `pulumi-resource-flashback${process.platform === "win32" ? ".exe" : ""}`);
/** The sentinel Node's SEA support looks for in its own binary (Node's docs, "Single executable applications"). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** postject ships no types; its API is one function, typed where it is called. */
const POSTJECT = "postject";

/** Swaps pulumi-modules.ts for its static twin, so the bundle holds Pulumi's protocol modules. */
const bundledPulumiModules: Plugin = {
  name: "bundled-pulumi-modules",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/pulumi-modules$/ }, (args) => ({
      path: join(args.resolveDir, "pulumi-modules.bundled.ts"),
    }));
  },
};

export async function buildPlugin(): Promise<string> {
  const started = Date.now();
  const version = packageVersion();
  rmSync(PLUGIN_BUILD_DIR, { recursive: true, force: true });
  mkdirSync(PLUGIN_BUILD_DIR, { recursive: true });
  const bundle = join(PLUGIN_BUILD_DIR, "main.bundle.js");
  await build({
    entryPoints: [join(ROOT, "provider", "plugin", "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: bundle,
    define: { __FLASHBACK_PACKAGE_VERSION__: JSON.stringify(version) },
    plugins: [bundledPulumiModules],
    logLevel: "warning",
  });
  const blob = join(PLUGIN_BUILD_DIR, "sea-prep.blob");
  const seaConfig = join(PLUGIN_BUILD_DIR, "sea-config.json");
  writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync(process.execPath, ["--experimental-sea-config", seaConfig], { stdio: ["ignore", "ignore", "inherit"] });
  copyFileSync(process.execPath, PLUGIN_BINARY);
  chmodSync(PLUGIN_BINARY, 0o755);
  const macOS = process.platform === "darwin";
  // macOS refuses a binary whose signature no longer matches: remove it before, sign ad hoc after (Node's docs).
  if (macOS) execFileSync("codesign", ["--remove-signature", PLUGIN_BINARY]);
  const { inject } = (await import(POSTJECT)) as { inject: (file: string, name: string, data: Buffer, options: object) => Promise<void> };
  await inject(PLUGIN_BINARY, "NODE_SEA_BLOB", readFileSync(blob), {
    sentinelFuse: SEA_FUSE,
    ...(macOS ? { machoSegmentName: "NODE_SEA" } : {}),
  });
  if (macOS) execFileSync("codesign", ["--sign", "-", PLUGIN_BINARY]);
  for (const file of [bundle, blob, seaConfig]) rmSync(file);
  const megabytes = (statSync(PLUGIN_BINARY).size / 1e6).toFixed(1);
  console.log(`build:plugin: ${PLUGIN_BINARY} (${megabytes} MB, v${version}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return PLUGIN_BINARY;
}

if (require.main === module) {
  buildPlugin().catch((error: unknown) => {
    console.error(`build:plugin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
