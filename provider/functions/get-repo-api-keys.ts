import * as pulumi from "@pulumi/pulumi";
import type { RepoApiKeyList } from "../lifecycle/key-lookup";
import { programLifecycle } from "./program-lifecycle";

export type { ListedRepoApiKey, ReservationState } from "../lifecycle/key-lookup";

/** What `getRepoApiKeys` answers: the repository, and every key of it, whoever made it; never a secret. */
export type GetRepoApiKeysResult = RepoApiKeyList;

export interface GetRepoApiKeysArgs {
  /** The Flashback repository whose keys to list. */
  repoId: string;
}

/**
 * Every API key of a repository: the same function, with the same result, as the plugin's
 * `flashback:index:getRepoApiKeys`, run in the program's process (a dynamic provider has no functions).
 *
 * ```ts
 * const { keys } = await getRepoApiKeys({ repoId: "repo-123" });
 * const leftovers = keys.filter((key) => key.isReservation);
 * ```
 */
export async function getRepoApiKeys(args: GetRepoApiKeysArgs): Promise<GetRepoApiKeysResult> {
  return programLifecycle().getRepoApiKeys({ ...args });
}

/** `getRepoApiKeys` on inputs that may be outputs of other resources; secret when an argument is. */
export function getRepoApiKeysOutput(args: { repoId: pulumi.Input<string> }): pulumi.Output<GetRepoApiKeysResult> {
  return pulumi.output(args).apply((plain) => getRepoApiKeys(plain));
}
