import { readFileSync } from "node:fs";
import { SettingsError } from "../errors/settings-error";
import { UnseenRepositoryError } from "../errors/unseen-repository-error";
import { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";
import { unseenRepositoryReason } from "../lifecycle/unseen-repository";
import { SETTING_KEYS } from "../settings/settings-keys";
import { auditRepository, unmanagedKeys, type RepositoryAudit } from "./judge-keys";
import { managedKeysIn } from "./stack-export";

export interface AuditRequest {
  repoIds: readonly string[];
  /** Paths of `pulumi stack export` outputs; `-` is standard input. */
  stackExports: readonly string[];
  /** Where settings come from, as the provider reads them: `FLASHBACK_API_URL`, `FLASHBACK_ACCESS_TOKEN`, … */
  env?: NodeJS.ProcessEnv;
}

/**
 * Lists each repository's keys through the provider's own lifecycle (its settings, client, retries
 * and gate: a list call and nothing else, so the audit writes nothing) and holds them against the
 * keys the exports' states hold.
 */
export async function runAudit(request: AuditRequest): Promise<{ audits: RepositoryAudit[]; unmanaged: number }> {
  const env = request.env ?? process.env;
  refuseWithoutToken(env);
  const managed = request.stackExports.flatMap((source) => managedKeysIn(readExport(source), source));
  const lifecycle = new RepoApiKeyLifecycle({ env });
  const audits: RepositoryAudit[] = [];
  for (const repoId of request.repoIds) {
    const listing = await lifecycle.listKeys(repoId);
    if (listing === undefined) {
      // The audit cannot say anything of a repository it does not see.
      throw new UnseenRepositoryError(repoId, unseenRepositoryReason(repoId));
    }
    audits.push(auditRepository(repoId, listing, managed, Date.now()));
  }
  return { audits, unmanaged: audits.reduce((total, audit) => total + unmanagedKeys(audit).length, 0) };
}

/** The lifecycle's own message names stack config too, which a command outside any stack does not read. */
function refuseWithoutToken(env: NodeJS.ProcessEnv): void {
  const [token, refresh] = [SETTING_KEYS.accessToken.env, SETTING_KEYS.refreshToken.env];
  if ((env[token] ?? "").trim() === "" && (env[refresh] ?? "").trim() === "") {
    throw new SettingsError(
      `No Flashback access token: set the environment variable ${token} (or ${refresh})`,
      SETTING_KEYS.accessToken.config,
    );
  }
}

function readExport(source: string): string {
  return readFileSync(source === "-" ? 0 : source, "utf8");
}
