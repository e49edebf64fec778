/*
 * jose, loaded on first use: it is an ES module only, so this CommonJS build imports it
 * dynamically, as the encryption libraries load age-encryption.
 */
import type * as JoseModule from "jose" with { "resolution-mode": "import" };

export type JoseLibrary = typeof JoseModule;

let jose: Promise<JoseLibrary> | undefined;

export function loadJose(): Promise<JoseLibrary> {
  jose ??= import("jose");
  return jose;
}
