/*
 * `npm run gen:docs`: the package's pages for Pulumi's registry, docs/_index.md and
 * docs/installation-configuration.md, written from the plugin's schema (settings, the resource's
 * properties) and the example programs the suites run, then formatted as the repository formats
 * Markdown. They are committed; test/unit/registry-docs.test.ts fails when they differ from a
 * fresh generation.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { format, resolveConfig } from "prettier";
import { packageVersion } from "../provider/plugin/package-version";
import { installationPage } from "./registry-docs/installation-page";
import { overviewPage } from "./registry-docs/overview-page";
import { schemaView } from "./registry-docs/schema-view";

const ROOT = resolve(__dirname, "..");
export const DOCS_DIR = join(ROOT, "docs");

/** Each page's file name under docs/ and its content, as the committed files must read. */
export async function registryDocs(): Promise<Record<string, string>> {
  const schema = schemaView(packageVersion());
  const pages: Record<string, string> = {
    "_index.md": overviewPage(schema),
    "installation-configuration.md": installationPage(schema),
  };
  const formatted: Record<string, string> = {};
  for (const [file, markdown] of Object.entries(pages)) {
    const options = (await resolveConfig(join(DOCS_DIR, file))) ?? {};
    formatted[file] = await format(`${markdown}\n`, { ...options, filepath: join(DOCS_DIR, file) });
  }
  return formatted;
}

if (require.main === module) {
  registryDocs().then(
    (pages) => {
      mkdirSync(DOCS_DIR, { recursive: true });
      for (const [file, content] of Object.entries(pages)) writeFileSync(join(DOCS_DIR, file), content);
      console.log(
        `gen:docs: ${Object.keys(pages)
          .map((file) => `docs/${file}`)
          .join(", ")} written`,
      );
    },
    (error: unknown) => {
      console.error(`gen:docs: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
