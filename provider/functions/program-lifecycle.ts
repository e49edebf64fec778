import * as pulumi from "@pulumi/pulumi";
import { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";

let lifecycle: RepoApiKeyLifecycle | undefined;

/**
 * The lifecycle the functions run in a program's own process: one per process, so that every call
 * shares its client, gate, retries and renewed token. It reads settings as the dynamic resource's
 * provider does: the stack config `flashback:*` (inside a program the SDK holds it, secrets
 * decrypted), else the environment.
 */
export function programLifecycle(): RepoApiKeyLifecycle {
  lifecycle ??= new RepoApiKeyLifecycle({ warn: (message) => void pulumi.log.warn(message) });
  // At every call: the settings are resolved again, and the client kept while they stay the same.
  lifecycle.configure({ get: (key) => pulumi.runtime.getConfig(key) });
  return lifecycle;
}
