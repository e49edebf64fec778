import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { entryPoints } from "../../scripts/public-api";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * provider/'s folders import one another in one direction: the fronts (dynamic/, plugin/,
 * resources/) over the lifecycle, the lifecycle over the client and engine/, and nothing back. A
 * cycle between folders is a layout that no longer shows which part serves which, so this reads
 * every import, relative or by the package's own name, and every `/// <reference path>` (the
 * compiler's own pre-processor, not a regular expression) and fails on one.
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

/** The file a relative specifier names: `./x`, `./x.js` (a dynamic import), `./x.d.ts` (a reference) or a folder's index. */
function resolveSpecifier(importer: string, specifier: string): string | undefined {
  const given = resolve(dirname(importer), specifier);
  const base = given.replace(/\.js$/, "");
  return [given, `${base}.ts`, join(base, "index.ts")].find((candidate) => {
    try {
      return candidate.endsWith(".ts") && statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

const PACKAGE_NAME = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { name: string }).name;

/** The source file a specifier of this package names, through package.json "exports" (dist/provider/x.js -> provider/x.ts). */
function resolvePackageSpecifier(specifier: string): string {
  const entry = `.${specifier.slice(PACKAGE_NAME.length)}`;
  const source = entryPoints().find((point) => point.entry === entry)?.source;
  if (source === undefined) throw new Error(`${specifier}: no entry ${entry} in package.json "exports"`);
  return source;
}

function isPackageSpecifier(specifier: string): boolean {
  return specifier === PACKAGE_NAME || specifier.startsWith(`${PACKAGE_NAME}/`);
}

/*
 * The one exception: the `configure` of the stubs Pulumi serializes into every `__provider` requires
 * the installed package by name when the provider host runs the stored copy, long after this module
 * ran. That require is no import of this module (stub.ts says why it is a runtime one).
 */
const SERIALIZED_STUBS = ["dynamic/schedule-stub.ts", "dynamic/stub.ts"];

/** Whether `position` of a stub file lies inside a `configure` method, the function that is serialized. */
function isInSerializedStub(file: string, text: string, position: number): boolean {
  if (!SERIALIZED_STUBS.includes(file)) return false;
  const inConfigure = (node: ts.Node): boolean => {
    if (position < node.getStart() || position >= node.getEnd()) return false;
    if (ts.isMethodDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === "configure") return true;
    return ts.forEachChild(node, inConfigure) ?? false;
  };
  return inConfigure(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
}

interface Specifier {
  path: string;
  file: string;
  specifier: string;
  inSerializedStub: boolean;
}

/** Every specifier a file of provider/ names: imports, requires, dynamic imports and `/// <reference path>`. */
function providerSpecifiers(): Specifier[] {
  return sourceFiles(PROVIDER).flatMap((path) => {
    const text = readFileSync(path, "utf8");
    const file = relative(PROVIDER, path).split(sep).join("/");
    const { importedFiles, referencedFiles } = ts.preProcessFile(text, true, true);
    // A reference's path is relative to its file whether or not it starts with "./".
    const references = referencedFiles.map((reference) => ({ ...reference, fileName: `./${reference.fileName.replace(/^\.\//, "")}` }));
    return [...importedFiles, ...references].map((reference) => ({
      path,
      file,
      specifier: reference.fileName,
      inSerializedStub: isInSerializedStub(file, text, reference.pos),
    }));
  });
}

/** Every import between provider/'s files, relative or through the package's own name, as paths relative to provider/. */
function providerImports(): Import[] {
  return providerSpecifiers().flatMap(({ path, file, specifier, inSerializedStub }) => {
    let target: string | undefined;
    if (isPackageSpecifier(specifier)) target = inSerializedStub ? undefined : resolvePackageSpecifier(specifier);
    else if (specifier.startsWith(".")) target = resolveSpecifier(path, specifier);
    if (target === undefined || !target.startsWith(PROVIDER + sep)) return [];
    return [{ from: file, to: relative(PROVIDER, target).split(sep).join("/") }];
  });
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

  it("read the package's own name through its exports, but not in the serialized stubs' require", () => {
    expect(relative(REPO_ROOT, resolvePackageSpecifier(`${PACKAGE_NAME}/lifecycle`))).toBe(join("provider", "lifecycle-entry.ts"));
    expect(relative(REPO_ROOT, resolvePackageSpecifier(PACKAGE_NAME))).toBe(join("provider", "index.ts"));
    const excepted = providerSpecifiers().filter(({ inSerializedStub, specifier }) => inSerializedStub && isPackageSpecifier(specifier));
    expect(excepted.map(({ file, specifier }) => `${file}: ${specifier}`)).toEqual(
      SERIALIZED_STUBS.map((file) => `${file}: ${PACKAGE_NAME}/lifecycle`),
    );
  });

  it("import one another in one direction: no cycle", () => {
    const edges = folderEdges(imports);
    const cycles = folderCycles(edges).map((group) => describeCycle(group, edges, imports));
    expect(cycles.join("\n\n")).toBe("");
  });
});
