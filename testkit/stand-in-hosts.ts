import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { TOOLS_MODULE_DIR } from "./find-pulumi-cli";

/** The stand-in language hosts (tools/pulumi/language-host), which the CLI finds beside itself as `pulumi-language-<language>`. */
export const STAND_IN_LANGUAGES = ["nodejs", "python", "go"] as const;
export type StandInLanguage = (typeof STAND_IN_LANGUAGES)[number];

const SOURCES = join(TOOLS_MODULE_DIR, "language-host");
/** The Python host's program runner, which it looks for beside itself. */
const PYTHON_RUNNER = "python-exec.py";

/**
 * Bundles each stand-in host from its sources into `<outDir>/<language>.js`, with the Python
 * host's runner beside it. They are scaffolding for the real-CLI suites, so the package's build
 * leaves them out; the set-up bundles them at every run (a fraction of a second), so an edited
 * host is the one the next suite runs. Packages stay outside the bundle: a host resolves
 * `@pulumi/pulumi` from this repository's node_modules, as the provider does.
 */
export async function bundleStandInHosts(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: STAND_IN_LANGUAGES.map((language) => join(SOURCES, `${language}.ts`)),
    bundle: true,
    packages: "external",
    platform: "node",
    target: "node22",
    format: "cjs",
    outdir: outDir,
    logLevel: "warning",
  });
  copyFileSync(join(SOURCES, PYTHON_RUNNER), join(outDir, PYTHON_RUNNER));
}
