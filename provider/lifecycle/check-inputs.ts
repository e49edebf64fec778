import type { InputFailure } from "../errors/input-error";
import type { RepoApiKeyInputs } from "../definitions/repo-api-key";
import { ALLOWED_RECIPIENTS, hasPrivateKeyMarker, normalizeRecipient } from "../encryption/recipient-shape";
import { UNKNOWN_VALUE } from "../engine/unknown-value";
import { checkProperties, checkString, type Fail } from "../definitions/check-properties";
import { REPO_API_KEY } from "../definitions/repo-api-key";
import { REPO_ID_RULES, TEXT_RULES } from "../definitions/rules";

export { UNKNOWN_VALUE };
export { MAX_NAME_LENGTH } from "../definitions/rules";

export interface CheckedInputs {
  /** The inputs to store: the defined fields, as given (unknowns kept as the engine's placeholder). */
  inputs: Record<string, unknown>;
  failures: InputFailure[];
}

/**
 * Validates the user's inputs by RepoApiKey's definition, without any network call: every failure
 * names its field and says what is allowed. Unknown values (preview) pass; they are checked again once known.
 */
export function checkInputs(news: Record<string, unknown>): CheckedInputs {
  const failures = checkProperties(REPO_API_KEY.inputs, news);
  const inputs = presentFields(news, Object.keys(REPO_API_KEY.inputs));
  return { inputs: withStorableRecipient(inputs), failures };
}

/**
 * `encryptTo` as the state may hold it: normalized, and dropped when it holds a private key, so that
 * the refused value goes back to the engine nowhere, not even in the inputs of a failed check.
 */
function withStorableRecipient(inputs: Record<string, unknown>): Record<string, unknown> {
  const value = inputs.encryptTo;
  if (typeof value !== "string" || value === UNKNOWN_VALUE) return inputs;
  if (hasPrivateKeyMarker(value)) {
    const { encryptTo: _dropped, ...rest } = inputs;
    return rest;
  }
  return { ...inputs, encryptTo: normalizeRecipient(value) };
}

/**
 * Only the fields that hold a value: the provider process cannot serialize `undefined` (a program's
 * `config.get()` of an unset key), and the engine would report "Unexpected struct type" instead of
 * the failure that names the missing field.
 */
function presentFields(news: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.filter((field) => news[field] !== undefined && news[field] !== null).map((field) => [field, news[field]]),
  );
}

/**
 * True when the inputs a request is built from are final. Not the rotation trigger: a pair's Check
 * may leave it unknown in a preview (pair-check.ts), and no request carries it.
 */
export function isKnown(inputs: Record<string, unknown>): inputs is Record<string, unknown> & RepoApiKeyInputs {
  return [inputs.repoId, inputs.name, inputs.accessType, inputs.encryptTo].every((value) => value !== UNKNOWN_VALUE);
}

/** A non-empty string without control characters: a key's id or name to look up. */
export function checkText(property: string, value: unknown, fail: Fail): void {
  checkString(property, value, TEXT_RULES, fail);
}

/** The rules of `repoId`, for a function's argument as for a resource's input. */
export function checkRepoId(value: unknown, fail: Fail): void {
  checkString("repoId", value, REPO_ID_RULES, fail);
}

/**
 * A refused `encryptTo`, its reason naming the field, under no property: the engine prints a
 * failing property's value beside the reason (`issueCheckFailures` in Pulumi's
 * pkg/resource/deploy/step_generator.go), and a value refused here may be a private key of a kind
 * no marker knows, or any other secret pasted by mistake: it must appear nowhere.
 */
export function encryptToFailure(refusal: string): InputFailure {
  return { property: "", reason: `encryptTo ${refusal}` };
}

/** A key without `encryptTo` where `requiredBy` (the setting requireEncryptTo, and where it was read) asks every key to be sealed. */
export function missingRecipientFailure(requiredBy: string): InputFailure {
  return encryptToFailure(
    `is required: ${requiredBy} is true, so every key must be sealed; give ${ALLOWED_RECIPIENTS}. ` +
      "A value that is unset (an environment variable that was not exported, say) counts as none",
  );
}
