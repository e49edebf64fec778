import type * as pulumi from "@pulumi/pulumi";
import type { RepoApiKeyProvider } from "./repo-api-key-provider";

/*
 * This object is what Pulumi serializes into every RepoApiKey's `__provider`, and the engine runs
 * the serialized copy, not this file, for as long as the resource lives (pulumi/pulumi#6238). So it
 * holds no logic and captures no value: each method loads the lifecycle from the installed package
 * at call time. A fix in a later version of the package then also fixes update and delete of keys
 * created with an older one, and `__provider` stays a few hundred bytes.
 */

/*
 * Loads the implementation from the package installed beside the Pulumi program. A runtime
 * require, on purpose: an import would be serialized with the closure. (No comment inside the
 * function: its text is stored in every state file.)
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const implementation = (): RepoApiKeyProvider => require("@flashbacktech/pulumi/lifecycle").repoApiKeyProvider;

export const repoApiKeyProviderStub: pulumi.dynamic.ResourceProvider = {
  configure: (request) => implementation().configure(request),
  check: (olds, news) => implementation().check(olds, news),
  diff: (id, olds, news) => implementation().diff(id, olds, news),
  create: (inputs) => implementation().create(inputs),
  read: (id, props) => implementation().read(id, props),
  update: (id, olds, news) => implementation().update(id, olds, news),
  delete: (id, props) => implementation().delete(id, props),
};
