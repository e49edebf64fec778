import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runToEnd } from "./serve";

/**
 * `GeneratePackage` for Python and Go: the CLI's own code generators, built by `setup:pulumi` as
 * `gen-sdk` beside the CLI (tools/pulumi/gen-sdk), on the schema the CLI sends.
 */
export function generateWithGenSdk(language: "python" | "go") {
  return async (directory: string, schema: string): Promise<void> => {
    const genSdk = process.env.FLASHBACK_GEN_SDK;
    if (genSdk === undefined) throw new Error("FLASHBACK_GEN_SDK is not set: run npm run setup:pulumi to install this host's wrapper");
    const scratch = mkdtempSync(join(tmpdir(), "flashback-gen-sdk-"));
    try {
      const schemaFile = join(scratch, "schema.json");
      writeFileSync(schemaFile, schema);
      // A relative directory is the CLI's (`pulumi package gen-sdk --out sdk`), whose working directory this host shares.
      await runToEnd(genSdk, [schemaFile, language, resolve(directory)], scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
}
