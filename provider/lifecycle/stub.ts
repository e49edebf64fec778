/* eslint-disable @typescript-eslint/no-require-imports -- see "runtime require" below */
import type * as pulumi from "@pulumi/pulumi";

/*
 * This object is what Pulumi serializes into every RepoApiKey's `__provider`, and the engine runs
 * the serialized copy, not this file, for as long as the resource lives (pulumi/pulumi#6238). So it
 * holds no logic and captures no value: it loads the lifecycle from the installed package at call
 * time. A fix in a later version of the package then also fixes update and delete of keys created
 * with an older one.
 *
 * It carries one method, not seven. The dynamic-provider process calls `configure` on the object
 * it deserialized before anything else, once per process (`getProvider` in
 * @pulumi/pulumi/cmd/dynamic-provider), and looks the other methods up afterwards; `configure` gives
 * the object the lifecycle's methods. Each serialized function costs about 250 bytes of wrapper, and
 * `__provider` is stored twice per resource in a state file that the engine rewrites around every
 * step: seven methods made 2,354 bytes, one makes a few hundred.
 *
 * (No comment inside the method: its text is stored in every state file. The `require` is a
 * runtime one on purpose: an import would be serialized with the closure.)
 */
const stub = {
  configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return require("@flashbacktech/pulumi/lifecycle").adoptStub(this, request);
  },
};

/** Typed as a whole provider because that is what it is once configured: see above. */
export const repoApiKeyProviderStub = stub as unknown as pulumi.dynamic.ResourceProvider;
