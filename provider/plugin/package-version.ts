import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** This package's name on npm; its name in Pulumi, `flashback`, is schema.ts's. */
const NPM_PACKAGE_NAME = "@flashbacktech/pulumi";

/** Set by the bundler of the standalone executable (scripts/build-plugin.ts), which has no package.json beside it. */
declare const __FLASHBACK_PACKAGE_VERSION__: string | undefined;

/** This package's version: stamped into the standalone executable, else from its package.json, found upwards from here (sources and the built `dist/` sit at different depths). */
export function packageVersion(from: string = __dirname): string {
  if (typeof __FLASHBACK_PACKAGE_VERSION__ === "string") return __FLASHBACK_PACKAGE_VERSION__;
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (manifest.name === NPM_PACKAGE_NAME && typeof manifest.version === "string") return manifest.version;
    } catch {
      // No package.json here: look further up.
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the package.json of ${NPM_PACKAGE_NAME} above ${from}`);
  }
}
