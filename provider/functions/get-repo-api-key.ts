import * as pulumi from "@pulumi/pulumi";
import type { ListedRepoApiKey } from "../lifecycle/key-lookup";
import { programLifecycle } from "./program-lifecycle";

/** A key of a repository by its id or by its name: exactly one of the two. */
export type GetRepoApiKeyArgs = { repoId: string } & ({ id: string; name?: undefined } | { name: string; id?: undefined });

/** `GetRepoApiKeyArgs` on inputs that may be outputs of other resources. */
export type GetRepoApiKeyOutputArgs = { repoId: pulumi.Input<string> } & (
  { id: pulumi.Input<string>; name?: undefined } | { name: pulumi.Input<string>; id?: undefined }
);

/**
 * One API key of a repository, found by its id or its name: the plugin's
 * `flashback:index:getRepoApiKey`, run in the program's process. Fails naming the field when no
 * key or several keys match, or when both or neither of `id` and `name` are given.
 */
export async function getRepoApiKey(args: GetRepoApiKeyArgs): Promise<ListedRepoApiKey> {
  return programLifecycle().getRepoApiKey({ ...args });
}

/** `getRepoApiKey` on inputs that may be outputs of other resources; secret when an argument is. */
export function getRepoApiKeyOutput(args: GetRepoApiKeyOutputArgs): pulumi.Output<ListedRepoApiKey> {
  return pulumi.output(args).apply((plain) => getRepoApiKey(plain as GetRepoApiKeyArgs));
}
