/*
 * The registry pages' examples are the example programs the suites run (examples/, run by
 * test/e2e/plugin-examples.test.ts and type-checked by `npm test`), copied as they stand, so that
 * a page never shows a program nobody ran.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ChoosableProgram } from "./markdown";

const EXAMPLES = resolve(__dirname, "..", "..", "examples");

/** Each language's program, in the order the chooser offers them, and the file it comes from. */
export const EXAMPLE_SOURCES = [
  { language: "typescript", fence: "typescript", file: join("basic", "index.ts") },
  { language: "python", fence: "python", file: join("python", "__main__.py") },
  { language: "go", fence: "go", file: join("go", "main.go") },
  { language: "yaml", fence: "yaml", file: join("yaml", "Pulumi.yaml") },
] as const;

export function examplePrograms(): ChoosableProgram[] {
  return EXAMPLE_SOURCES.map(({ language, fence, file }) => {
    const text = readFileSync(join(EXAMPLES, file), "utf8");
    return { language, fence, code: language === "yaml" ? withoutTopLevelKey(text, "plugins") : text };
  });
}

/**
 * A YAML document without one top-level key and the comment lines just above it. The example's
 * `plugins:` block points at this repository's bin/, which a user's program does not need: the
 * CLI finds the plugin by the type token.
 */
export function withoutTopLevelKey(yaml: string, key: string): string {
  const lines = yaml.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`${key}:`));
  if (start < 0) return yaml;
  let first = start;
  while (first > 0 && lines[first - 1]!.startsWith("#")) first -= 1;
  let end = start + 1;
  while (end < lines.length && (lines[end]!.startsWith(" ") || lines[end] === "")) end += 1;
  return [...lines.slice(0, first), ...lines.slice(end)].join("\n");
}
