import { UnseenRepositoryError } from "../errors/unseen-repository-error";
import { SETTING_KEYS } from "../settings/settings-keys";
import type { ConfigValues, Settings } from "../settings/resolve-settings";

/**
 * Why a 404 for the repository stops a refresh or a delete: a 404 alone never drops a key from a
 * state nor counts it as deleted, since the keys may still work; the user confirms the deletion with `goneRepositories`.
 */
function unseenRepositoryError(repoId: string, what: string, consequence: string, config: ConfigValues | undefined): UnseenRepositoryError {
  const gone = SETTING_KEYS.goneRepositories;
  const confirm =
    config?.explicitProvider === undefined
      ? `\`pulumi config set ${gone.config} ${repoId}\``
      : `the input goneRepositories: "${repoId}" of the provider "${config.explicitProvider}"`;
  return new UnseenRepositoryError(
    repoId,
    `Flashback answers 404 for repository "${repoId}" ${what}: the repository was deleted, or this token can no longer see it (another organization, a revoked role), and Flashback's answer does not say which. ` +
      `Its keys may still work, so the provider will not ${consequence}. If the token lost access, run the command again with one that can see the repository. ` +
      `If the repository was deleted, confirm it: run the command again with the environment variable ${gone.env}=${repoId}, ` +
      `or set ${confirm} and run it with --run-program (without it, refresh and destroy configure the provider as the last \`pulumi up\` did)`,
  );
}

/** Why a lookup (an import, a function) found nothing: a repository's 404, which names it and both of its meanings. */
export function unseenRepositoryReason(repoId: string): string {
  return `Flashback answers 404 for repository "${repoId}": it does not exist, or this token cannot see it`;
}

/** What a repository's 404 means for one key, once per repository and kind of operation in a process. */
export class UnseenRepositories {
  readonly #warned = new Set<string>();

  constructor(private readonly warn: (message: string) => void) {}

  /**
   * Returns when the user confirmed the repository deleted, after a warning naming it; throws
   * `UnseenRepositoryError` otherwise.
   */
  confirmGone(settings: Settings, config: ConfigValues | undefined, repoId: string, keyId: string, operation: "refresh" | "delete"): void {
    const consequence = operation === "refresh" ? "drop them from the state" : "count them as deleted";
    if (!settings.goneRepositories.has(repoId)) {
      const what = operation === "refresh" ? `while refreshing key "${keyId}"` : `while deleting key "${keyId}"`;
      throw unseenRepositoryError(repoId, what, consequence, config);
    }
    if (this.#warned.has(`${operation} ${repoId}`)) return;
    this.#warned.add(`${operation} ${repoId}`);
    this.warn(
      `Repository "${repoId}" answers 404 and goneRepositories (${SETTING_KEYS.goneRepositories.config} or ${SETTING_KEYS.goneRepositories.env}) names it deleted, so its keys ${operation === "refresh" ? "leave the state" : "count as deleted"}. ` +
        "If it was not deleted but only hidden from this token, those keys still work: revoke them in Flashback's console",
    );
  }
}
