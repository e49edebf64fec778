/*
 * The encryption libraries, loaded on first use only: a stack without `encryptTo` never loads them
 * (age-encryption costs about 70 ms to import, openpgp about 30 ms). age-encryption is an ES module
 * only: a dynamic import works from this CommonJS build, and esbuild's bundle of the plugin turns it
 * into a lazy initializer.
 */
import type * as AgeModule from "age-encryption" with { "resolution-mode": "import" };
import type * as OpenPgpModule from "openpgp" with { "resolution-mode": "import" };

export type AgeLibrary = typeof AgeModule;
export type OpenPgpLibrary = typeof OpenPgpModule;

let age: Promise<AgeLibrary> | undefined;
let openpgp: Promise<OpenPgpLibrary> | undefined;

export function loadAge(): Promise<AgeLibrary> {
  age ??= import("age-encryption");
  return age;
}

/**
 * openpgp's CommonJS build, required: its ES build calls `createRequire(import.meta.url)`, which
 * fails in the plugin's CommonJS bundle, where `import.meta` is empty (the executable's Check of an
 * OpenPGP key answered "The argument 'filename' must be … Received undefined").
 */
export function loadOpenPgp(): Promise<OpenPgpLibrary> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazily, and its CommonJS build on purpose
  openpgp ??= Promise.resolve().then(() => require("openpgp") as OpenPgpLibrary);
  return openpgp;
}
