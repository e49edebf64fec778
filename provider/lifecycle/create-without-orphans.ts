import { API_PATHS } from "../client/api-paths";
import type { FlashbackClient } from "../client/flashback-client";
import { jitteredBackoff } from "../client/retry-policy";
import { sleep } from "../client/request-gate";
import { FlashbackApiError } from "../errors/FlashbackApiError";
import { isFlashbackApiError } from "../errors/type-guards";
import type { ListedApiKey } from "../types/api";
import type { RepoApiKeyInputs } from "../types/resource";
import { readCreatedKey, type CreatedKey } from "./to-outputs";
import { isNonEmptyString } from "../utils/is-non-empty-string";

/** Creates tried per resource when answers are lost; each lost answer is reconciled before the next try. */
export const CREATE_ATTEMPTS = 3;

/**
 * How far Flashback's clock may be off ours when a key is matched by its `createdAt`. A key with the
 * same name made by somebody else within this window of a lost answer would be taken for ours.
 */
export const CLOCK_SKEW_MS = 60_000;

export interface CreateContext {
  client: FlashbackClient;
  /** Ids this process created and handed to the engine: never orphans. */
  knownKeyIds: Set<string>;
  now: () => number;
}

/** A key Flashback made whose answer lacked what is needed to use it, and that could not be deleted. */
export class IncompleteKeyError extends Error {
  constructor(
    message: string,
    readonly keyId: string,
    readonly key: string,
  ) {
    super(message);
  }
}

/**
 * POST is not idempotent and takes no idempotency key, so a create whose answer was lost (a reset,
 * a timeout, a 5xx) may or may not have made a key, and its secret is gone either way. Such a key is
 * an orphan: this lists the repository, deletes keys of the same name and access type made since
 * the attempt began, and only then tries again. The result: no orphan and no duplicate.
 */
export async function createKeyWithoutOrphans(context: CreateContext, inputs: RepoApiKeyInputs): Promise<CreatedKey> {
  const removed: string[] = [];
  for (let attempt = 1; ; attempt += 1) {
    const startedAt = context.now();
    try {
      const response = await context.client.createApiKey(inputs.repoId, { name: inputs.name, accessType: inputs.accessType });
      const read = readCreatedKey(response);
      if ("created" in read) {
        context.knownKeyIds.add(read.created.id);
        return read.created;
      }
      if (!isNonEmptyString(response.id)) {
        throw incompleteAnswer(inputs, read.missing, "Flashback gave no key id, so the provider looked for the key it may have made");
      }
      await deleteIncompleteKey(context, inputs, response.id, typeof response.key === "string" ? response.key : "", read.missing);
    } catch (error) {
      if (!isFlashbackApiError(error) || !error.mayHaveActed) throw error;
      removed.push(...(await removeOrphans(context, inputs, startedAt, error)));
      if (attempt >= CREATE_ATTEMPTS) throw gaveUp(error, removed);
      await sleep(jitteredBackoff(attempt, Math.random()));
    }
  }
}

async function deleteIncompleteKey(
  context: CreateContext,
  inputs: RepoApiKeyInputs,
  keyId: string,
  key: string,
  missing: string[],
): Promise<never> {
  const what = `Flashback created API key "${keyId}" in repository "${inputs.repoId}" but its answer lacked ${missing.join(", ")}`;
  try {
    await context.client.deleteApiKey(inputs.repoId, keyId);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unknown failure";
    throw new IncompleteKeyError(
      `${what}; deleting that unusable key failed too (${reason}). It is recorded in the state, and the next \`pulumi up\` replaces it`,
      keyId,
      key,
    );
  }
  // Thrown as a lost answer, so that the loop above tries again with a fresh key.
  throw incompleteAnswer(inputs, missing, `${what}; that unusable key was deleted`);
}

function incompleteAnswer(inputs: RepoApiKeyInputs, missing: string[], hint: string): FlashbackApiError {
  return new FlashbackApiError({
    operation: `create API key "${inputs.name}"`,
    method: "POST",
    pathTemplate: API_PATHS.apiKeys,
    repoId: inputs.repoId,
    status: 200,
    hint: `${hint} (missing: ${missing.join(", ")})`,
    mayHaveActed: true,
  });
}

/** Deletes the keys a lost create may have made; returns their ids. Throws, saying what may be left, when it cannot tell. */
async function removeOrphans(
  context: CreateContext,
  inputs: RepoApiKeyInputs,
  startedAt: number,
  cause: FlashbackApiError,
): Promise<string[]> {
  let listed: ListedApiKey[] | undefined;
  try {
    listed = await context.client.listApiKeys(inputs.repoId);
  } catch (error) {
    throw unresolved(
      cause,
      inputs,
      `listing the repository's keys to find it failed: ${error instanceof Error ? error.message : "unknown failure"}`,
    );
  }
  const orphans = (listed ?? []).filter((key) => isOrphanOf(key, inputs, startedAt, context.knownKeyIds));
  const removed: string[] = [];
  for (const orphan of orphans) {
    try {
      await context.client.deleteApiKey(inputs.repoId, orphan.id);
      removed.push(orphan.id);
    } catch (error) {
      throw unresolved(
        cause,
        inputs,
        `deleting the orphaned key "${orphan.id}" failed: ${error instanceof Error ? error.message : "unknown failure"}`,
      );
    }
  }
  return removed;
}

function isOrphanOf(key: ListedApiKey, inputs: RepoApiKeyInputs, startedAt: number, knownKeyIds: Set<string>): boolean {
  if (key.name !== inputs.name || key.accessType !== inputs.accessType || knownKeyIds.has(key.id)) return false;
  const createdAt = typeof key.createdAt === "string" ? Date.parse(key.createdAt) : Number.NaN;
  return !Number.isNaN(createdAt) && createdAt >= startedAt - CLOCK_SKEW_MS;
}

function unresolved(cause: FlashbackApiError, inputs: RepoApiKeyInputs, problem: string): FlashbackApiError {
  return new FlashbackApiError({
    ...cause.failure,
    hint: `Flashback may have created the key anyway, and ${problem}. A key named "${inputs.name}" may exist in repository "${inputs.repoId}" without being in the state: look for it in Flashback and delete it`,
  });
}

function gaveUp(cause: FlashbackApiError, removed: string[]): FlashbackApiError {
  const cleanup =
    removed.length === 0
      ? "no key was left behind in Flashback"
      : `the ${removed.length} orphaned key(s) it made (${removed.join(", ")}) were deleted, so none is left behind`;
  return new FlashbackApiError({
    ...cause.failure,
    hint: `${CREATE_ATTEMPTS} attempts failed without a usable answer; ${cleanup}. Run \`pulumi up\` again`,
  });
}
