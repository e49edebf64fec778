/*
 * The encryption libraries, loaded on first use only: a stack without `encryptTo` never loads them
 * (age-encryption costs about 70 ms to import, openpgp about 30 ms). Both are ES modules; a dynamic
 * import works from this CommonJS build, and esbuild's bundle of the plugin turns it into a lazy require.
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

export function loadOpenPgp(): Promise<OpenPgpLibrary> {
  openpgp ??= import("openpgp");
  return openpgp;
}
