import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * provider/'s folders import one another in one direction: the fronts (dynamic/, plugin/,
 * resources/) over the lifecycle, the lifecycle over the client and engine/, and nothing back. A
 * cycle between folders is a layout that no longer shows which part serves which, so this reads
 * every relative import (the compiler's own pre-processor, not a regular expression) and fails on one.
 */

const PROVIDER = join(REPO_ROOT, "provider");
/** The files at provider/'s root, the package's entries, form a folder of their own. */
const ROOT_FOLDER = "(root)";

interface Import {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** The file a relative specifier names: `./x`, `./x.js` (a dynamic import) or a folder's index. */
function resolveSpecifier(importer: string, specifier: string): string | undefined {
  const base = resolve(dirname(importer), specifier.replace(/\.js$/, ""));
  return [`${base}.ts`, join(base, "index.ts")].find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** Every relative import between provider/'s files, as paths relative to provider/. */
function providerImports(): Import[] {
  return sourceFiles(PROVIDER).flatMap((file) =>
    ts
      .preProcessFile(readFileSync(file, "utf8"), true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith("."))
      .flatMap((specifier) => {
        const target = resolveSpecifier(file, specifier);
        if (target === undefined || !target.startsWith(PROVIDER + sep)) return [];
        return [{ from: relative(PROVIDER, file).split(sep).join("/"), to: relative(PROVIDER, target).split(sep).join("/") }];
      }),
  );
}

function folderOf(path: string): string {
  return path.includes("/") ? path.split("/")[0]! : ROOT_FOLDER;
}

/** The groups of folders that reach one another (Tarjan's strongly connected components), those of two or more. */
function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (folder: string): void => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    for (const next of edges.get(folder) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
    }
    if (low.get(folder) !== index.get(folder)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const folder of edges.keys()) if (!index.has(folder)) visit(folder);
  return cycles;
}

function folderEdges(imports: readonly Import[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  return edges;
}

/** The shortest way from `start` back to itself inside one group of folders: the cycle a reader breaks first. */
function shortestCycle(start: string, group: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const folder = queue.shift()!;
    for (const next of edges.get(folder) ?? []) {
      if (!group.includes(next)) continue;
      if (next === start) {
        const path = [folder];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (previous.has(next)) continue;
      previous.set(next, folder);
      queue.push(next);
    }
  }
  return undefined;
}

/** A cycle as a reader fixes it: its folders in order, and each import that makes one step of it. */
function describeCycle(group: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>, imports: readonly Import[]): string {
  const cycle = group
    .map((folder) => shortestCycle(folder, group, edges) ?? [])
    .reduce((shortest, candidate) => (candidate.length < shortest.length ? candidate : shortest));
  const steps = cycle.map((folder, index) => [folder, cycle[(index + 1) % cycle.length]!] as const);
  return [
    `${[...cycle, cycle[0]].join(" -> ")} (folders ${group.join(", ")} reach one another):`,
    ...steps.flatMap(([a, b]) =>
      imports.filter(({ from, to }) => folderOf(from) === a && folderOf(to) === b).map(({ from, to }) => `  ${from} -> ${to}`),
    ),
  ].join("\n");
}

describe("provider/'s folders", () => {
  const imports = providerImports();
  const named = (edge: Import): string => `${edge.from} -> ${edge.to}`;

  it("are read: the imports between them include the plugin's engine I/O", () => {
    expect(imports.map(named)).toContain("plugin/serve.ts -> engine/pulumi-protocol.ts");
  });

  it("import one another in one direction: no cycle", () => {
    const edges = folderEdges(imports);
    const cycles = folderCycles(edges).map((group) => describeCycle(group, edges, imports));
    expect(cycles.join("\n\n")).toBe("");
  });
});
