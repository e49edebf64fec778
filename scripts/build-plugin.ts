/*
 * `npm run build:plugin`: `pulumi-resource-flashback` as one executable for the machine it runs on,
 * which needs no Node.js and no node_modules where it runs: the way Pulumi's providers written in
 * TypeScript ship (pulumi-awsx, pulumi-eks), with Node's own single-executable applications
 * instead of vercel/pkg, which cannot fetch its Node builds here and is archived.
 *
 * 1. esbuild bundles the plugin (provider/plugin/main.ts) and all it requires into one CommonJS
 *    file, the version stamped in, Pulumi's protocol modules named statically (pulumi-modules.bundled.ts).
 * 2. On Linux, a copy of the Node.js release the plugin embeds (scripts/plugin-runtime.ts) is
 *    stripped: Node's Linux builds carry their symbols and debug information, a fifth of the
 *    binary, which a plugin never reads (152.8 MB, 47.8 MB compressed; stripped 119.5 and 42.0).
 * 3. `node --build-sea`, run by that release, writes the executable: the (stripped) node with the
 *    bundle and V8's code cache inside.
 *
 * Measured against the other ways Node packs one (CONTRIBUTING.md, "The release"): the code cache
 * starts it about a fifth faster than none; a virtual file system (`useVfs`, Node 26) forbids the
 * code cache, and a startup snapshot (`useSnapshot`) cannot hold the http, http2 and tls modules.
 *
 * The same plugin, on the same lifecycle, answering the same schema: only how it is packed differs.
 * Run here on linux-x64; the macOS and Windows steps (signatures, `.exe`) follow Node's docs and run
 * only in the release workflow (.github/workflows/release.yml).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { packageVersion } from "../provider/plugin/package-version";
import { PLUGIN_NODE_TARGET, PLUGIN_NODE_VERSION, pluginNodeRuntime } from "./plugin-runtime";

const ROOT = resolve(__dirname, "..");
export const PLUGIN_BUILD_DIR = join(ROOT, "dist", "plugin");
/** `pulumi-resource-flashback`, with `.exe` on Windows, where Pulumi looks for that name. */
export const PLUGIN_BINARY = join(PLUGIN_BUILD_DIR, `pulumi-resource-flashback${process.platform === "win32" ? ".exe" : ""}`);

/** Swaps pulumi-modules.ts for its static twin, so the bundle holds Pulumi's protocol modules. */
const bundledPulumiModules: Plugin = {
  name: "bundled-pulumi-modules",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/pulumi-modules$/ }, (args) => ({
      path: join(args.resolveDir, "pulumi-modules.bundled.ts"),
    }));
  },
};

/**
 * The parts of Pulumi's Node.js SDK that a component's Construct never runs, left out of the bundle:
 * the TypeScript compiler it vendors to serialize a dynamic provider's code (9 MB), and npm's
 * dependency walker for the code paths of such a serialization. Each is an empty module in the bundle.
 */
const withoutClosureSerialization: Plugin = {
  name: "without-closure-serialization",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /(^|\/)typescript-shim$|^@npmcli\/arborist$/ }, (args) => ({ path: args.path, namespace: "left-out" }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "left-out" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

export async function buildPlugin(): Promise<string> {
  const started = Date.now();
  const version = packageVersion();
  const runtime = pluginNodeRuntime();
  rmSync(PLUGIN_BUILD_DIR, { recursive: true, force: true });
  mkdirSync(PLUGIN_BUILD_DIR, { recursive: true });
  const bundle = join(PLUGIN_BUILD_DIR, "main.bundle.js");
  await build({
    entryPoints: [join(ROOT, "provider", "plugin", "main.ts")],
    bundle: true,
    platform: "node",
    target: PLUGIN_NODE_TARGET,
    format: "cjs",
    outfile: bundle,
    define: { __FLASHBACK_PACKAGE_VERSION__: JSON.stringify(version) },
    plugins: [bundledPulumiModules, withoutClosureSerialization],
    logLevel: "warning",
  });
  const seaConfig = join(PLUGIN_BUILD_DIR, "sea-config.json");
  const executable = process.platform === "linux" ? strippedCopy(runtime, join(PLUGIN_BUILD_DIR, "node")) : runtime;
  writeFileSync(
    seaConfig,
    JSON.stringify({ main: bundle, output: PLUGIN_BINARY, executable, disableExperimentalSEAWarning: true, useCodeCache: true }),
  );
  buildSea(runtime, seaConfig);
  // macOS runs only signed code: an ad hoc signature, as Node's docs sign a single executable.
  if (process.platform === "darwin") execFileSync("codesign", ["--force", "--sign", "-", PLUGIN_BINARY]);
  for (const file of [bundle, seaConfig, ...(executable === runtime ? [] : [executable])]) rmSync(file);
  const megabytes = (statSync(PLUGIN_BINARY).size / 1e6).toFixed(1);
  console.log(
    `build:plugin: ${PLUGIN_BINARY} (${megabytes} MB, v${version}, Node.js ${PLUGIN_NODE_VERSION}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return PLUGIN_BINARY;
}

/** A copy of `runtime` without its symbol table and debug sections (GNU strip, binutils). */
function strippedCopy(runtime: string, copy: string): string {
  copyFileSync(runtime, copy);
  try {
    execFileSync("strip", [copy], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(missing ? "strip is not on the PATH: install binutils" : `strip ${copy} failed: ${(error as Error).message}`);
  }
  return copy;
}

/** `node --build-sea`, quiet unless it fails: its ELF writer warns about every note section it keeps. */
function buildSea(runtime: string, seaConfig: string): void {
  try {
    execFileSync(runtime, ["--build-sea", seaConfig], { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`node --build-sea failed: ${stderr.trim() || (error as Error).message}`);
  }
}

if (require.main === module) {
  buildPlugin().catch((error: unknown) => {
    console.error(`build:plugin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
