import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageSchema } from "../../provider/plugin/schema";
import { SETTING_KEYS } from "../../provider/settings/settings-keys";
import { DOCS_DIR, registryDocs } from "../../scripts/gen-docs";
import { EXAMPLE_SOURCES, withoutTopLevelKey } from "../../scripts/registry-docs/example-programs";

/*
 * The registry pages (docs/_index.md, docs/installation-configuration.md) are written by
 * `npm run gen:docs` from the schema and the example programs; the committed ones must be today's.
 */
const EXAMPLES = join(__dirname, "..", "..", "examples");
const committed = (file: string): string => readFileSync(join(DOCS_DIR, file), "utf8");

describe("the registry docs", () => {
  it("committed are what npm run gen:docs makes from today's schema and examples", async () => {
    for (const [file, content] of Object.entries(await registryDocs())) {
      expect(committed(file), `docs/${file}: run npm run gen:docs and commit`).toBe(content);
    }
  });

  it.each(["_index.md", "installation-configuration.md"])("%s has the front matter Pulumi's registry reads", (file) => {
    const [, front] = /^---\n([\s\S]*?)\n---\n/.exec(committed(file)) ?? [];
    const fields = Object.fromEntries(
      (front ?? "").split("\n").map((line) => {
        const [key, ...value] = line.split(": ");
        const text = value.join(": ");
        return [key, text.startsWith('"') ? (JSON.parse(text) as string) : text];
      }),
    );
    expect(fields).toMatchObject({ layout: "package", title: expect.stringMatching(/^Flashback/), meta_desc: expect.any(String) });
  });

  it("show each language's example program as the suites run it", () => {
    const overview = committed("_index.md");
    expect(overview).toContain('{{< chooser language "typescript,python,go,yaml" >}}');
    for (const { language, file } of EXAMPLE_SOURCES) {
      const program = readFileSync(join(EXAMPLES, file), "utf8");
      expect(overview, file).toContain(language === "yaml" ? withoutTopLevelKey(program, "plugins").trimEnd() : program.trimEnd());
    }
  });

  it("list every setting of the schema with its stack config key and environment variable", () => {
    const page = committed("installation-configuration.md");
    const variables = (packageSchema("0.0.0") as { config: { variables: Record<string, unknown> } }).config.variables;
    for (const name of Object.keys(variables)) {
      const setting = SETTING_KEYS[name as keyof typeof SETTING_KEYS];
      expect(page).toMatch(new RegExp(`\\| \`${setting.config}\` +\\| \`${setting.env}\` +\\|`));
    }
    expect(page).toContain("pulumi config set --secret flashback:accessToken");
    expect(page).toContain("export FLASHBACK_ACCESS_TOKEN=");
  });

  it("leave the YAML example's plugins block out, and the comment above it, and nothing else", () => {
    const yaml =
      "name: x\n\n# where the plugin is\nplugins:\n  providers:\n    - name: flashback\n\n      path: ../bin\n\nresources:\n  a: {}\n";
    expect(withoutTopLevelKey(yaml, "plugins")).toBe("name: x\n\nresources:\n  a: {}\n");
    expect(withoutTopLevelKey("resources: {}\n", "plugins")).toBe("resources: {}\n");
  });
});
