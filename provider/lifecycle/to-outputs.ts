import { type AccessType, type CreateApiKeyResponse, type ListedApiKey } from "../types/api";
import { hasType } from "../definitions/property";
import { REPO_API_KEY, type PairMade, type RepoApiKeyInputs, type RepoApiKeyOutputs } from "../definitions/repo-api-key";
import { isNonEmptyString } from "../utils/is-non-empty-string";

/** What a create hands over: with `encryptTo`, `secret` is empty and `encryptedSecret` holds it sealed. */
export type CreatedKey = { id: string; key: string; secret: string; encryptedSecret?: string };

/**
 * The id, key and secret of a create answer, or which of them is missing. `key` may be empty or
 * absent: Flashback has no key id for Azure Blob repositories, where the secret alone is the
 * credential; a refresh fills it in if Flashback lists one later.
 */
export function readCreatedKey(response: CreateApiKeyResponse): { created: CreatedKey } | { missing: string[] } {
  const missing = [isNonEmptyString(response.id) ? undefined : "id", isNonEmptyString(response.secret) ? undefined : "secret"].filter(
    (field): field is string => field !== undefined,
  );
  if (missing.length > 0) return { missing };
  const key = typeof response.key === "string" ? response.key : "";
  return { created: { id: response.id as string, key, secret: response.secret as string } };
}

export function toCreatedOutputs(inputs: RepoApiKeyInputs, created: CreatedKey): RepoApiKeyOutputs {
  const outputs: RepoApiKeyOutputs = { ...pickInputs(inputs), key: created.key, secret: created.secret };
  if (created.encryptedSecret !== undefined) outputs.encryptedSecret = created.encryptedSecret;
  const made = pairMadeOf(inputs.pair);
  if (made !== undefined) outputs.pairMade = made;
  return outputs;
}

/** The `made` a pair's Check stored in the inputs of a key it makes (lifecycle/pair-check.ts). */
function pairMadeOf(pair: unknown): PairMade | undefined {
  const made = (pair as { memory?: { made?: PairMade } } | undefined)?.memory?.made;
  return typeof made?.deployment === "string" ? made : undefined;
}

/** The documented input fields, the rotation trigger and the recipient only when there is one. */
export function pickInputs(inputs: RepoApiKeyInputs): RepoApiKeyInputs {
  const given = inputs as unknown as Record<string, unknown>;
  const names = Object.entries(REPO_API_KEY.inputs)
    .filter(([name, property]) => "required" in property || hasType(property, given[name]))
    .map(([name]) => name);
  return Object.fromEntries(names.map((name) => [name, given[name]])) as unknown as RepoApiKeyInputs;
}

/**
 * Outputs after a refresh: name and access type as Flashback has them now (drift), key and secret
 * from the state, because the list call never returns the plaintext secret.
 */
export function toRefreshedOutputs(stored: RepoApiKeyOutputs, listed: ListedApiKey): RepoApiKeyOutputs {
  // An access type this package does not know is kept as Flashback says: the next `up` then sees the drift and puts it back.
  const accessType = listed.accessType as AccessType;
  return { ...pickOutputs(stored), name: listed.name, accessType, key: typeof listed.key === "string" ? listed.key : stored.key };
}

/** Only the documented output fields, whatever else a stored state holds. */
export function pickOutputs(stored: RepoApiKeyOutputs): RepoApiKeyOutputs {
  const picked: RepoApiKeyOutputs = { ...pickInputs(stored), key: stored.key, secret: stored.secret };
  if (typeof stored.encryptedSecret === "string") picked.encryptedSecret = stored.encryptedSecret;
  if (stored.importedWithoutSecret === true) picked.importedWithoutSecret = true;
  if (stored.pairMade !== undefined) picked.pairMade = stored.pairMade;
  return picked;
}

/** An existing key adopted by `pulumi import`: what Flashback's list tells, and no secret. */
export function toImportedOutputs(repoId: string, listed: ListedApiKey): RepoApiKeyOutputs {
  return {
    repoId,
    name: listed.name,
    accessType: listed.accessType as AccessType,
    key: typeof listed.key === "string" ? listed.key : "",
    secret: "",
    importedWithoutSecret: true,
  };
}
