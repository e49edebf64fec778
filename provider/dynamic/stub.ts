/* eslint-disable @typescript-eslint/no-require-imports -- see "runtime require" below */
import type * as pulumi from "@pulumi/pulumi";

/*
 * This object is what Pulumi serializes into every RepoApiKey's `__provider`, and the engine runs
 * the serialized copy, not this file, for as long as the resource lives (pulumi/pulumi#6238). So it
 * holds no logic: it loads the lifecycle from the installed package at call time. A fix in a later
 * version of the package then also fixes update and delete of keys created with an older one.
 *
 * It carries one method, not seven. The dynamic-provider process calls `configure` on the object
 * it deserialized before anything else, once per process (`getProvider` in
 * @pulumi/pulumi/cmd/dynamic-provider), and looks the other methods up afterwards; `configure` gives
 * the object the lifecycle's methods. Each serialized function carries a wrapper of its own, and
 * `__provider` is stored twice per resource in a state file that the engine rewrites around every
 * step; the bench holds its size to STUB_BUDGET_BYTES.
 *
 * The one value it captures is the stack's reservation scope, a hash: the provider process is told
 * neither the stack nor the resource's URN, and needs the stack to sweep what an interrupted
 * deployment left (reservation-sweep.ts).
 *
 * (No comment inside the method: its text is stored in every state file. The `require` is a
 * runtime one on purpose: an import would be serialized with the closure.)
 */
function stubFor(scope: string): pulumi.dynamic.ResourceProvider {
  const stub = {
    configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
      return require("@flashbacktech/pulumi/lifecycle").adoptStub(this, request, scope);
    },
  };
  // Typed as a whole provider because that is what it is once configured: see above.
  return stub as unknown as pulumi.dynamic.ResourceProvider;
}

/** What the serialized stub may weigh, per copy: the one budget the tests and the bench hold it to. */
export const STUB_BUDGET_BYTES = 1_000;

const stubs = new Map<string, pulumi.dynamic.ResourceProvider>();

/** One stub per scope, so Pulumi's cache of serialized providers serializes it once per program. */
export function repoApiKeyProviderStub(scope: string): pulumi.dynamic.ResourceProvider {
  let stub = stubs.get(scope);
  if (stub === undefined) {
    stub = stubFor(scope);
    stubs.set(scope, stub);
  }
  return stub;
}
