import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiFailure } from "../../provider/errors/flashback-api-error";
import { FlashbackError } from "../../provider/errors/flashback-error";
import type { InputFailure } from "../../provider/errors/input-error";
import * as guards from "../../provider/errors/type-guards";
import { entryPoints } from "../../scripts/public-api";

const PROVIDER = join(__dirname, "..", "..", "provider");
const ERRORS = join(PROVIDER, "errors");

/** A class declared on an error: what must live in errors/ and nowhere else in provider/. */
const ERROR_CLASS = /\bclass\s+(\w+)(?:<[^>]*>)?\s+extends\s+[\w.]*Error\b/g;

type ErrorClass = new (...args: never[]) => FlashbackError;

/** Arguments for a constructor that takes more than a message; any other class is built from one sentence. */
const SAMPLE_ARGUMENTS: Record<string, unknown[]> = {
  FlashbackApiError: [{ operation: "list API keys", method: "GET", pathTemplate: "/repo/{repoId}/apikey" } satisfies ApiFailure],
  InputError: [[{ property: "name", reason: "name must be a non-empty string" }] satisfies InputFailure[]],
};

/** Every class's code, written out: users compare codes across releases, so changing or adding one is an edit here. */
const CODES: Record<string, string> = {
  CancelledError: "FLASHBACK_CANCELLED",
  FlashbackApiError: "FLASHBACK_API_ERROR",
  InputError: "FLASHBACK_INPUT_ERROR",
  JwksUnavailableError: "FLASHBACK_ESC_JWKS_UNAVAILABLE",
  KeyNotHandedOverError: "FLASHBACK_KEY_NOT_HANDED_OVER",
  KeyStillListedError: "FLASHBACK_KEY_STILL_LISTED",
  PartialKeyError: "FLASHBACK_PARTIAL_KEY",
  RequestRefusedError: "FLASHBACK_ESC_REQUEST_REFUSED",
  ResourceOptionError: "FLASHBACK_RESOURCE_OPTION_ERROR",
  RotationError: "FLASHBACK_ESC_ROTATION_FAILED",
  SettingsError: "FLASHBACK_SETTINGS_ERROR",
  StackExportError: "FLASHBACK_STACK_EXPORT_UNREADABLE",
  UnseenRepositoryError: "FLASHBACK_REPOSITORY_UNSEEN",
};

interface Found {
  file: string;
  errorClass: ErrorClass;
  instance: FlashbackError;
}

/** Every error class exported by a file of errors/, read from the folder so that a new file is covered. */
async function errorClassesOfErrorsFolder(): Promise<Found[]> {
  const found: Found[] = [];
  for (const file of readdirSync(ERRORS).filter((name) => name.endsWith(".ts"))) {
    const exports = (await import(join(ERRORS, file))) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error) || value === FlashbackError) continue;
      const errorClass = value as ErrorClass;
      const args = SAMPLE_ARGUMENTS[errorClass.name] ?? ["A sentence that says what failed"];
      found.push({ file, errorClass, instance: new errorClass(...(args as never[])) });
    }
  }
  return found;
}

function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** What each entry point of package.json exports, loaded from its source. */
async function entryExports(): Promise<{ entry: string; values: Record<string, unknown> }[]> {
  return Promise.all(
    entryPoints().map(async ({ entry, source }) => ({ entry, values: (await import(source)) as Record<string, unknown> })),
  );
}

/** A copy of the error as another copy of the package would throw it: a plain Error with the same name and code. */
function fromAnotherCopy(error: FlashbackError): Error {
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}

describe("the error hierarchy in provider/errors/", () => {
  let found: Found[];
  beforeAll(async () => {
    found = await errorClassesOfErrorsFolder();
  });

  it("is read from the folder, the moved and merged classes included", () => {
    const names = found.map(({ errorClass }) => errorClass.name);
    expect(names).toEqual(expect.arrayContaining(["FlashbackApiError", "PartialKeyError", "UnseenRepositoryError", "StackExportError"]));
    expect(names).not.toContain("IncompleteKeyError");
  });

  it("gives each class its own file, named for the class in kebab-case", () => {
    for (const { file, errorClass } of found) expect(file, errorClass.name).toBe(`${kebabCase(errorClass.name)}.ts`);
    expect(new Set(found.map(({ file }) => file)).size).toBe(found.length);
  });

  it("puts every class on FlashbackError, with `name` its class's name", () => {
    for (const { errorClass, instance } of found) {
      expect(instance, errorClass.name).toBeInstanceOf(FlashbackError);
      expect(instance.name).toBe(errorClass.name);
    }
  });

  it("gives every class a stable code of its own", () => {
    const codes = found.map(({ instance }) => instance.code);
    for (const code of codes) expect(code).toMatch(/^FLASHBACK_[A-Z_]+$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("gives each class exactly the code recorded in this test", () => {
    expect(Object.fromEntries(found.map(({ errorClass, instance }) => [errorClass.name, instance.code]))).toEqual(CODES);
  });

  it("has isFlashbackError recognise an instance of every class, and one from another copy of the package", () => {
    for (const { errorClass, instance } of found) {
      expect(guards.isFlashbackError(instance), errorClass.name).toBe(true);
      expect(guards.isFlashbackError(fromAnotherCopy(instance)), errorClass.name).toBe(true);
    }
    expect(guards.isFlashbackError(new Error("plain"))).toBe(false);
    expect(guards.isFlashbackError(Object.assign(new Error("node's"), { code: "ENOENT" }))).toBe(false);
  });

  it("exports each class's guard from every entry point that exports the class; the guard knows its instances and no other class's", async () => {
    const exported = await entryExports();
    for (const { errorClass, instance } of found) {
      for (const { entry, values } of exported.filter(({ values }) => values[errorClass.name] === errorClass)) {
        const guard = values[`is${errorClass.name}`] as ((error: unknown) => boolean) | undefined;
        expect(guard, `${entry} exports ${errorClass.name} without is${errorClass.name}`).toBeTypeOf("function");
        expect(guard?.(instance), errorClass.name).toBe(true);
        expect(guard?.(fromAnotherCopy(instance)), errorClass.name).toBe(true);
        for (const other of found.filter((entry) => entry.errorClass !== errorClass)) {
          expect(guard?.(other.instance), `is${errorClass.name}(${other.errorClass.name})`).toBe(false);
        }
      }
    }
  });

  it("keeps in type-guards.ts only guards an entry point exports", async () => {
    const reachable = new Set((await entryExports()).flatMap(({ values }) => Object.values(values)));
    const unreachable = Object.entries(guards).filter(([, guard]) => !reachable.has(guard));
    expect(unreachable.map(([name]) => name)).toEqual([]);
  });

  it("is the only place in provider/ that declares an error class", () => {
    const outside = readdirSync(PROVIDER, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.startsWith(`errors/`))
      .flatMap((file) => [...readFileSync(join(PROVIDER, file), "utf8").matchAll(ERROR_CLASS)].map((match) => `${file}: ${match[1]}`));
    expect(outside, relative(process.cwd(), PROVIDER)).toEqual([]);
  });
});
