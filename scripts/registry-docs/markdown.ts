/*
 * The pieces of Markdown the registry pages are made of: Hugo front matter, tables, and Pulumi's
 * language chooser (the `chooser`/`choosable` shortcodes the registry's package pages use).
 */

/**
 * The front matter Pulumi's registry reads on a package's docs pages (`layout: package` is
 * required), its values quoted: a title such as `Flashback: Installation` is not plain YAML.
 */
export function frontMatter(title: string, metaDescription: string): string {
  return `---\ntitle: ${JSON.stringify(title)}\nmeta_desc: ${JSON.stringify(metaDescription)}\nlayout: package\n---\n`;
}

/** A Markdown table; `|` inside a cell is escaped so that it stays one cell. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

export interface ChoosableProgram {
  /** The chooser's name for the language: typescript, python, go, yaml. */
  language: string;
  /** The code fence's info string. */
  fence: string;
  code: string;
}

/** One program per language, shown one at a time by the registry's language chooser. */
export function chooser(programs: readonly ChoosableProgram[]): string {
  const choosables = programs.map(
    ({ language, fence, code }) =>
      `{{% choosable language ${language} %}}\n\n\`\`\`${fence}\n${code.trimEnd()}\n\`\`\`\n\n{{% /choosable %}}`,
  );
  return `{{< chooser language "${programs.map(({ language }) => language).join(",")}" >}}\n\n${choosables.join("\n\n")}\n\n{{< /chooser >}}`;
}
