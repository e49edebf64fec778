import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

/*
 * The package's public API as its users' compiler sees it: each entry point of package.json's
 * "exports", each name it exports, and that name's resolved shape (members, optionality, types).
 * Resolved rather than spelled: a type derived from a definition that equals the hand-written one
 * it replaces leaves this text unchanged, while any change a user could notice moves it.
 * A type the exports use but no entry exports (a parameter's, a member's) is a user's API too:
 * each is described once, with its members, under "referenced types".
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

/** The whole public API as sorted lines of text, one entry point after another, then the types they reference. */
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
  const exportsOf = entries.map(({ entry, source }) => {
    const file = program.getSourceFile(source);
    const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) throw new Error(`${entry}: ${source} not found`);
    return { entry, symbols: checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name, "en")) };
  });
  const exported = new Set(exportsOf.flatMap(({ symbols }) => symbols.map((symbol) => resolveAlias(checker, symbol))));
  const printer = new Printer(checker, exported);
  const sections = exportsOf.map(({ entry, symbols }) => {
    const lines = symbols.flatMap((symbol) => printer.describe(resolveAlias(checker, symbol), symbol.name));
    return [`${entry}`, ...lines.map((line) => `  ${line}`)].join("\n");
  });
  const referenced = printer.describeReferenced().map((line) => `  ${line}`);
  return `${[...sections, ["referenced types", ...referenced].join("\n")].join("\n\n")}\n`;
}

function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/**
 * Prints declarations and, as it prints each type, notes the named types of this package that the
 * text shows only by name, so that each can be described in turn; a library's types stay names.
 */
class Printer {
  private readonly seen = new Set<ts.Type>();
  private readonly pending = new Set<ts.Symbol>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly exported: ReadonlySet<ts.Symbol>,
  ) {}

  /** Every referenced type no entry exports, described once, sorted by name; described types may reference more. */
  describeReferenced(): string[] {
    const described = new Map<ts.Symbol, string[]>();
    for (let next = this.nextPending(described); next !== undefined; next = this.nextPending(described))
      described.set(next, this.describe(next, next.name));
    const names = [...described.keys()].map((symbol) => symbol.name);
    return [...described.entries()]
      .map(([symbol, lines]) => {
        // Two types of one name are told apart by their file; otherwise a move is no API change.
        if (names.filter((name) => name === symbol.name).length === 1) return { key: symbol.name, lines };
        const file = relative(ROOT, symbol.declarations?.[0]?.getSourceFile().fileName ?? "");
        return { key: `${symbol.name} ${file}`, lines: [`${lines[0]} (${file})`, ...lines.slice(1)] };
      })
      .sort((a, b) => a.key.localeCompare(b.key, "en"))
      .flatMap(({ lines }) => lines);
  }

  private nextPending(described: ReadonlyMap<ts.Symbol, string[]>): ts.Symbol | undefined {
    return [...this.pending].find((symbol) => !described.has(symbol));
  }

  describe(symbol: ts.Symbol, name: string): string[] {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) return [`${name}: (no declaration)`];
    const lines: string[] = [];
    if (symbol.flags & ts.SymbolFlags.Class) return this.describeClass(symbol, name, declaration);
    if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
      const type = this.checker.getDeclaredTypeOfSymbol(symbol);
      const title = `type ${name}${typeParameters(declaration)}`;
      // An object type is its members, however it is spelled (an interface, an alias, a mapped type).
      if (type.flags & ts.TypeFlags.Object && !isGenericMapped(type, declaration))
        lines.push(title, ...this.shape(type, declaration, "  "));
      else {
        lines.push(`${title} = ${this.checker.typeToString(type, undefined, FORMAT | ts.TypeFormatFlags.InTypeAlias)}`);
        this.structure(type);
      }
    }
    if (symbol.flags & ts.SymbolFlags.Value) {
      const type = this.checker.getTypeOfSymbolAtLocation(symbol, declaration);
      const signatures = type.getCallSignatures();
      if (signatures.length > 0 && symbol.flags & ts.SymbolFlags.Function) {
        for (const signature of signatures) lines.push(`function ${name}${this.signature(signature)}`);
      } else lines.push(`const ${name}: ${this.type(type)}`);
    }
    return lines;
  }

  private describeClass(symbol: ts.Symbol, name: string, declaration: ts.Declaration): string[] {
    const classType = this.checker.getTypeOfSymbolAtLocation(symbol, declaration);
    const instanceType = this.checker.getDeclaredTypeOfSymbol(symbol);
    const classDeclaration = symbol.declarations?.find(ts.isClassLike) ?? declaration;
    const abstract = ts.getCombinedModifierFlags(classDeclaration) & ts.ModifierFlags.Abstract ? "abstract " : "";
    return [
      `${abstract}class ${name}${typeParameters(classDeclaration)}${this.baseClass(classDeclaration)}`,
      ...classType.getConstructSignatures().map((signature) => `  new ${this.signature(signature)}`),
      ...this.members(instanceType, declaration, "  "),
      ...this.checker.getIndexInfosOfType(instanceType).map((info) => `  ${this.indexSignature(info)}`),
      ...this.members(classType, declaration, "  static ").filter((line) => !line.startsWith("  static prototype")),
    ];
  }

  /** The class it extends, as its `extends` clause says: an interface merged into the class adds members, printed as such. */
  private baseClass(declaration: ts.Declaration): string {
    const clause = ts.isClassLike(declaration)
      ? declaration.heritageClauses?.find((heritage) => heritage.token === ts.SyntaxKind.ExtendsKeyword)
      : undefined;
    const base = clause?.types[0];
    return base === undefined ? "" : ` extends ${this.type(this.checker.getTypeAtLocation(base))}`;
  }

  /** An object type's call, construct and index signatures, then its members. */
  private shape(type: ts.Type, at: ts.Node, prefix: string): string[] {
    return [
      ...type.getCallSignatures().map((signature) => `${prefix}${this.signature(signature)}`),
      ...type.getConstructSignatures().map((signature) => `${prefix}new ${this.signature(signature)}`),
      ...this.checker.getIndexInfosOfType(type).map((info) => `${prefix}${this.indexSignature(info)}`),
      ...this.members(type, at, prefix),
    ];
  }

  /** Each public property and method of a type, with its optionality and resolved type. */
  private members(type: ts.Type, at: ts.Node, prefix: string): string[] {
    return this.publicProperties(type).map((property) => {
      const optional = property.flags & ts.SymbolFlags.Optional ? "?" : "";
      const readonly = isReadonly(property) ? "readonly " : "";
      return `${prefix}${readonly}${property.name}${optional}: ${this.type(this.propertyType(property, at))}`;
    });
  }

  private publicProperties(type: ts.Type): ts.Symbol[] {
    return this.checker
      .getPropertiesOfType(type)
      .filter((property) => !isPrivate(property) && !isFromLibraries(property))
      .sort((a, b) => a.name.localeCompare(b.name, "en"));
  }

  private propertyType(property: ts.Symbol, at: ts.Node): ts.Type {
    return this.checker.getTypeOfSymbolAtLocation(property, property.valueDeclaration ?? at);
  }

  private indexSignature(info: ts.IndexInfo): string {
    return `${info.isReadonly ? "readonly " : ""}[key: ${this.type(info.keyType)}]: ${this.type(info.type)}`;
  }

  private signature(signature: ts.Signature): string {
    this.walkSignature(signature);
    return this.checker.signatureToString(signature, undefined, FORMAT);
  }

  private type(type: ts.Type): string {
    this.reference(type);
    return this.checker.typeToString(type, undefined, FORMAT);
  }

  /** A type as text shows it: a named one is noted for its own description, any other is walked into. */
  private reference(type: ts.Type): void {
    if (type.flags & ts.TypeFlags.TypeParameter) return;
    if (type.aliasSymbol !== undefined) {
      this.note(type.aliasSymbol);
      for (const argument of type.aliasTypeArguments ?? []) this.reference(argument);
      return;
    }
    const symbol = type.getSymbol();
    if (type.flags & ts.TypeFlags.Object && symbol !== undefined && symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      this.note(symbol);
      if (isReference(type)) for (const argument of this.checker.getTypeArguments(type)) this.reference(argument);
      return;
    }
    this.structure(type);
  }

  /** What an unnamed type is made of: a union's or intersection's parts, an object's members and signatures. */
  private structure(type: ts.Type): void {
    if (this.seen.has(type)) return;
    this.seen.add(type);
    if (type.isUnionOrIntersection()) for (const part of type.types) this.reference(part);
    if (!(type.flags & ts.TypeFlags.Object)) return;
    if (isReference(type)) for (const argument of this.checker.getTypeArguments(type)) this.reference(argument);
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) this.walkSignature(signature);
    for (const info of this.checker.getIndexInfosOfType(type)) this.reference(info.type);
    const at = type.getSymbol()?.declarations?.[0];
    for (const property of this.publicProperties(type)) {
      const declaration = property.valueDeclaration ?? at;
      if (declaration !== undefined) this.reference(this.checker.getTypeOfSymbolAtLocation(property, declaration));
    }
  }

  private walkSignature(signature: ts.Signature): void {
    for (const parameter of signature.getTypeParameters() ?? []) {
      const constraint = parameter.getConstraint();
      if (constraint !== undefined) this.reference(constraint);
    }
    for (const parameter of signature.getParameters()) this.reference(this.checker.getTypeOfSymbol(parameter));
    this.reference(signature.getReturnType());
  }

  /** A named type of this package, not exported by an entry, waits for its description. */
  private note(symbol: ts.Symbol): void {
    if (this.exported.has(symbol) || isFromNodeModules(symbol)) return;
    this.pending.add(symbol);
  }
}

function isReference(type: ts.Type): type is ts.TypeReference {
  return (type.flags & ts.TypeFlags.Object) !== 0 && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0;
}

/** A mapped type over a type parameter has no members until applied: its text is its shape. */
function isGenericMapped(type: ts.Type, declaration: ts.Declaration): boolean {
  return ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0 && typeParameters(declaration) !== "";
}

function typeParameters(declaration: ts.Declaration): string {
  const parameters = (declaration as ts.Declaration & { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }).typeParameters;
  return parameters === undefined ? "" : `<${parameters.map((parameter) => parameter.name.text).join(", ")}>`;
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

/** A dependency's types (TypeScript's, Node's, Pulumi's, got's) are shown by name: they are not this package's to describe. */
function isFromNodeModules(symbol: ts.Symbol): boolean {
  const files = (symbol.declarations ?? []).map((declaration) => declaration.getSourceFile().fileName);
  return files.length === 0 || files.every((file) => file.includes("/node_modules/"));
}

/** A mapped type's `readonly` is on its symbol, not a declaration; TypeScript tells it only through an internal. */
const internals = ts as unknown as { getCheckFlags?: (symbol: ts.Symbol) => number; CheckFlags?: { Readonly?: number } };

function isReadonly(property: ts.Symbol): boolean {
  const mappedReadonly = internals.getCheckFlags?.(property) ?? 0;
  if (mappedReadonly & (internals.CheckFlags?.Readonly ?? 0)) return true;
  // A getter without a setter cannot be assigned, as `readonly` says.
  if (property.flags & ts.SymbolFlags.GetAccessor && !(property.flags & ts.SymbolFlags.SetAccessor)) return true;
  return (property.declarations ?? []).some((declaration) => ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly);
}

if (require.main === module) process.stdout.write(publicApi());
