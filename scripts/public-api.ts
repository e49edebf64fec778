import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/*
 * The package's public API as its users' compiler sees it: each entry point of package.json's
 * "exports", each name it exports, and that name's resolved shape (members, optionality, types).
 * Resolved rather than spelled: a type derived from a definition that equals the hand-written one
 * it replaces leaves this text unchanged, while any change a user could notice moves it.
 */

const ROOT = join(__dirname, "..");

/** package.json's entry points, each with the source file its declarations are built from. */
export function entryPoints(): { entry: string; source: string }[] {
  const exportsField = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).exports as Record<string, string | { types?: string }>;
  return Object.entries(exportsField).flatMap(([entry, target]) => {
    const types = typeof target === "string" ? undefined : target.types;
    if (types === undefined) return [];
    return [{ entry, source: join(ROOT, types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts")) }];
  });
}

const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

/** The whole public API as sorted lines of text, one entry point after another. */
export function publicApi(): string {
  const entries = entryPoints();
  const program = ts.createProgram(
    entries.map(({ source }) => source),
    {
      strict: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const sections = entries.map(({ entry, source }) => {
    const file = program.getSourceFile(source);
    const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) throw new Error(`${entry}: ${source} not found`);
    const lines = checker
      .getExportsOfModule(moduleSymbol)
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((symbol) => describeExport(checker, symbol));
    return [`${entry}`, ...lines.map((line) => `  ${line}`)].join("\n");
  });
  return `${sections.join("\n\n")}\n`;
}

function describeExport(checker: ts.TypeChecker, exported: ts.Symbol): string[] {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const name = exported.name;
  const declaration = symbol.declarations?.[0];
  if (declaration === undefined) return [`${name}: (no declaration)`];
  const lines: string[] = [];
  if (symbol.flags & ts.SymbolFlags.Class) {
    const classType = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    lines.push(`class ${name}`);
    for (const signature of classType.getConstructSignatures())
      lines.push(`  new ${checker.signatureToString(signature, undefined, FORMAT)}`);
    lines.push(...members(checker, checker.getDeclaredTypeOfSymbol(symbol), declaration, "  "));
    lines.push(...members(checker, classType, declaration, "  static ").filter((line) => !line.startsWith("  static prototype")));
    return lines;
  }
  if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    // An object type is its members, however it is spelled (an interface, an alias, a mapped type).
    if (type.flags & ts.TypeFlags.Object) lines.push(`type ${name}`, ...members(checker, type, declaration, "  "));
    else lines.push(`type ${name} = ${checker.typeToString(type, undefined, FORMAT | ts.TypeFormatFlags.InTypeAlias)}`);
  }
  if (symbol.flags & ts.SymbolFlags.Value) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    const signatures = type.getCallSignatures();
    if (signatures.length > 0 && symbol.flags & ts.SymbolFlags.Function) {
      for (const signature of signatures) lines.push(`function ${name}${checker.signatureToString(signature, undefined, FORMAT)}`);
    } else lines.push(`const ${name}: ${checker.typeToString(type, undefined, FORMAT)}`);
  }
  return lines;
}

/** Each public property and method of a type, with its optionality and resolved type. */
function members(checker: ts.TypeChecker, type: ts.Type, at: ts.Node, prefix: string): string[] {
  return checker
    .getPropertiesOfType(type)
    .filter((property) => !isPrivate(property) && !isFromLibraries(property))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((property) => {
      const optional = property.flags & ts.SymbolFlags.Optional ? "?" : "";
      const readonly = isReadonly(property) ? "readonly " : "";
      const propertyType = checker.getTypeOfSymbolAtLocation(property, property.valueDeclaration ?? at);
      return `${prefix}${readonly}${property.name}${optional}: ${checker.typeToString(propertyType, undefined, FORMAT)}`;
    });
}

function isPrivate(property: ts.Symbol): boolean {
  if (property.name.startsWith("#") || property.name.startsWith("__")) return true;
  return (property.declarations ?? []).some(
    (declaration) => ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected),
  );
}

/** Members inherited from TypeScript's and Node's own declarations (Error's) are not this package's API. */
function isFromLibraries(property: ts.Symbol): boolean {
  const files = (property.declarations ?? []).map((declaration) => declaration.getSourceFile().fileName);
  return files.length > 0 && files.every((file) => /node_modules\/(typescript\/lib|@types\/node)\//.test(file));
}

/** A mapped type's `readonly` is on its symbol, not a declaration; TypeScript tells it only through an internal. */
const internals = ts as unknown as { getCheckFlags?: (symbol: ts.Symbol) => number; CheckFlags?: { Readonly?: number } };

function isReadonly(property: ts.Symbol): boolean {
  const mappedReadonly = internals.getCheckFlags?.(property) ?? 0;
  if (mappedReadonly & (internals.CheckFlags?.Readonly ?? 0)) return true;
  return (property.declarations ?? []).some((declaration) => ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly);
}

if (require.main === module) process.stdout.write(publicApi());
