import type { RepoApiKeyOutputs } from "../definitions/repo-api-key";
import { UNKNOWN_VALUE } from "../engine/unknown-value";
import { changingBy } from "../definitions/property";
import { REPO_API_KEY } from "../definitions/repo-api-key";
import { isNonEmptyString } from "../utils/is-non-empty-string";

/** A new value replaces the key (it cannot move to another repository; a new rotation trigger asks for one); removal does not. */
export const REPLACE_ON_CHANGE = changingBy(REPO_API_KEY.inputs, "replace");
/**
 * The recipient replaces the key whichever way it changes, removal and first setting included: the
 * provider keeps no plaintext to encrypt again, and a key made sealed never gets a plain secret.
 */
export const REPLACE_ON_ANY_CHANGE = changingBy(REPO_API_KEY.inputs, "replace-always");
/** Flashback's PUT changes these in place, key and secret unchanged. */
export const UPDATE_IN_PLACE = changingBy(REPO_API_KEY.inputs, "update");
/** Outputs that an in-place update never changes. */
export const STABLE_OUTPUTS = ["key", "secret", "encryptedSecret"] as const;

export interface InputsDiff {
  changes: boolean;
  replaces: string[];
  /** Fields Flashback's PUT changes in place. */
  updates: string[];
  stables: string[];
  deleteBeforeReplace: false;
}

/** What only an asynchronous look at the values can tell (the lifecycle's `diffFully`). */
export interface DiffFacts {
  /** The stored and the new `encryptTo` seal to the same reader, though their texts differ (a re-exported OpenPGP key). */
  sameRecipient?: boolean;
}

/**
 * Compares the stored outputs with the new inputs. An unknown new value counts as a change, since
 * it may differ. A stored key without its secret (left by a create whose answer was incomplete) is
 * replaced, because nobody can use it; an imported one is not, since somebody outside the stack may.
 *
 * `deleteBeforeReplace` stays false: the new key exists before the old one is revoked, so consumers
 * updated in the same deployment never hold a revoked key.
 */
export function diffInputs(olds: Partial<RepoApiKeyOutputs>, news: Record<string, unknown>, facts: DiffFacts = {}): InputsDiff {
  const changed = (field: string): boolean =>
    news[field] === UNKNOWN_VALUE ||
    (news[field] !== (olds as Record<string, unknown>)[field] && !(field === "encryptTo" && facts.sameRecipient === true));
  // Dropping the rotation trigger stops rotating; it is no reason to replace a working key.
  const replaces: string[] = REPLACE_ON_CHANGE.filter((field) => changed(field) && news[field] !== undefined);
  // An imported key has no secret to seal or expose: a new recipient is only recorded.
  const imported = olds.importedWithoutSecret === true;
  const recipient = REPLACE_ON_ANY_CHANGE.filter(changed);
  if (!imported) replaces.push(...recipient);
  if (!isNonEmptyString(olds.secret) && !isNonEmptyString(olds.encryptedSecret) && !imported) replaces.push("secret");
  const updates: string[] = [...UPDATE_IN_PLACE.filter(changed), ...(imported ? recipient : [])];
  return {
    changes: replaces.length > 0 || updates.length > 0,
    replaces,
    updates,
    stables: replaces.length > 0 ? [] : [...STABLE_OUTPUTS],
    deleteBeforeReplace: false,
  };
}
