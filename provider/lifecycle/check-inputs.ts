import { ACCESS_TYPES, type AccessType } from "../types/api";
import type { InputFailure } from "../errors/InputError";
import type { RepoApiKeyInputs } from "../types/resource";
import { RESERVATION_PREFIX } from "./reservation";
import { ALLOWED_RECIPIENTS, hasPrivateKeyMarker, normalizeRecipient, recipientShape } from "../encryption/recipient-shape";

/** What the engine sends for a value not known yet (during preview). Any input may be one. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Flashback documents no bound; 255 is what common databases index, and keeps a name readable in a console. */
export const MAX_NAME_LENGTH = 255;
export const MAX_REPO_ID_LENGTH = 128;
export const MAX_ROTATION_TRIGGER_LENGTH = 1024;

export interface CheckedInputs {
  /** The inputs to store: the three fields, as given (unknowns kept as the engine's placeholder). */
  inputs: Record<string, unknown>;
  failures: InputFailure[];
}

type Rule = (value: string) => string | undefined;

/* Control characters are refused in every field: they hide in consoles and break log lines. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const REPO_ID_RULES: Rule[] = [
  (value) => (value.trim() === "" ? "must not be empty or only whitespace" : undefined),
  (value) => (value !== value.trim() ? "must not start or end with whitespace" : undefined),
  (value) => (/[/\\?#]/.test(value) ? 'must not contain "/", "\\", "?" or "#"' : undefined),
  (value) => (value.includes("..") ? 'must not contain ".."' : undefined),
  (value) => (CONTROL_CHARACTERS.test(value) || /\s/.test(value) ? "must not contain whitespace or control characters" : undefined),
  (value) => (value.length > MAX_REPO_ID_LENGTH ? `must be at most ${MAX_REPO_ID_LENGTH} characters; got ${value.length}` : undefined),
];

const NAME_RULES: Rule[] = [
  (value) => (value.trim() === "" ? "must not be empty or only whitespace" : undefined),
  (value) => (value.length > MAX_NAME_LENGTH ? `must be at most ${MAX_NAME_LENGTH} characters; got ${value.length}` : undefined),
  (value) => (CONTROL_CHARACTERS.test(value) ? "must not contain control characters" : undefined),
  (value) =>
    value.trimStart().startsWith(RESERVATION_PREFIX)
      ? `must not start with "${RESERVATION_PREFIX}": that prefix marks the keys of interrupted creates, which deployments delete`
      : undefined,
];

/**
 * Validates the user's inputs without any network call: every failure names its field and says
 * what is allowed. Unknown values (preview) pass; they are checked again once known.
 */
export function checkInputs(news: Record<string, unknown>): CheckedInputs {
  const failures: InputFailure[] = [];
  const fail = (property: string, reason: string): void => {
    failures.push({ property, reason: `${property} ${reason}` });
  };
  checkRepoId(news.repoId, fail);
  checkString("name", news.name, NAME_RULES, fail);
  checkAccessType(news.accessType, fail);
  checkRotationTrigger(news.rotateWhenChanged, fail);
  checkEncryptTo(news.encryptTo, (refusal) => failures.push(encryptToFailure(refusal)));
  const inputs = presentFields(news, ["repoId", "name", "accessType", "rotateWhenChanged", "encryptTo"]);
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

/** True when no input is the unknown placeholder: the values are final. */
export function isKnown(inputs: Record<string, unknown>): inputs is Record<string, unknown> & RepoApiKeyInputs {
  return [inputs.repoId, inputs.name, inputs.accessType, inputs.encryptTo].every((value) => value !== UNKNOWN_VALUE);
}

const TEXT_RULES: Rule[] = [
  (value) => (value.trim() === "" ? "must not be empty or only whitespace" : undefined),
  (value) => (CONTROL_CHARACTERS.test(value) ? "must not contain control characters" : undefined),
];

/** A non-empty string without control characters: a key's id or name to look up. */
export function checkText(property: string, value: unknown, fail: (property: string, reason: string) => void): void {
  checkString(property, value, TEXT_RULES, fail);
}

/** The rules of `repoId`, for a function's argument as for a resource's input. */
export function checkRepoId(value: unknown, fail: (property: string, reason: string) => void): void {
  checkString("repoId", value, REPO_ID_RULES, fail);
}

function checkString(property: string, value: unknown, rules: Rule[], fail: (property: string, reason: string) => void): void {
  if (value === UNKNOWN_VALUE) return;
  if (value === undefined || value === null) return fail(property, "is required: give a non-empty string");
  if (typeof value !== "string") return fail(property, `must be a string; got ${describeType(value)}`);
  for (const rule of rules) {
    const reason = rule(value);
    if (reason !== undefined) return fail(property, reason);
  }
}

function checkAccessType(value: unknown, fail: (property: string, reason: string) => void): void {
  if (value === UNKNOWN_VALUE) return;
  const allowed = ACCESS_TYPES.join(", ");
  if (value === undefined || value === null) return fail("accessType", `is required: one of ${allowed}`);
  if (!ACCESS_TYPES.includes(value as AccessType)) {
    const got = typeof value === "string" ? JSON.stringify(value) : describeType(value);
    fail("accessType", `must be one of ${allowed}; got ${got}`);
  }
}

function checkRotationTrigger(value: unknown, fail: (property: string, reason: string) => void): void {
  if (value === undefined || value === null || value === UNKNOWN_VALUE) return;
  if (typeof value !== "string") return fail("rotateWhenChanged", `must be a string; got ${describeType(value)}`);
  if (value.length > MAX_ROTATION_TRIGGER_LENGTH) {
    fail("rotateWhenChanged", `must be at most ${MAX_ROTATION_TRIGGER_LENGTH} characters; got ${value.length}`);
  }
}

/** The shape of the recipient; what only its library can tell (a checksum, an expiry) is the lifecycle's `checkFully`. */
function checkEncryptTo(value: unknown, refuse: (refusal: string) => void): void {
  if (value === undefined || value === null || value === UNKNOWN_VALUE) return;
  if (typeof value !== "string") return refuse(`must be a string; got ${describeType(value)}`);
  const shape = recipientShape(value);
  if ("refusal" in shape) refuse(shape.refusal);
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

export function describeType(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
