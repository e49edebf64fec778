import type { CancelledError } from "./cancelled-error";
import type { FlashbackApiError } from "./flashback-api-error";
import { FLASHBACK_CODE_PREFIX, type FlashbackError } from "./flashback-error";
import type { InputError } from "./input-error";
import type { JwksUnavailableError } from "./jwks-unavailable-error";
import type { KeyNotHandedOverError } from "./key-not-handed-over-error";
import type { KeyStillListedError } from "./key-still-listed-error";
import type { PartialKeyError } from "./partial-key-error";
import type { RequestRefusedError } from "./request-refused-error";
import type { ResourceOptionError } from "./resource-option-error";
import type { RotationError } from "./rotation-error";
import type { SettingsError } from "./settings-error";
import type { StackExportError } from "./stack-export-error";
import type { UnseenRepositoryError } from "./unseen-repository-error";

/*
 * The guards read `code` and `name` rather than the prototype: the program and the provider may load
 * different copies of this package, and `instanceof` fails across copies.
 */

/** True for any error this package throws: its `code` starts with `FLASHBACK_`. */
export function isFlashbackError(error: unknown): error is FlashbackError {
  return error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith(FLASHBACK_CODE_PREFIX);
}

function isNamed<T extends FlashbackError>(error: unknown, name: T["name"]): error is T {
  return isFlashbackError(error) && error.name === name;
}

/** True for a failed call to Flashback's API; `error.failure` then says what failed. */
export function isFlashbackApiError(error: unknown): error is FlashbackApiError {
  return isNamed<FlashbackApiError>(error, "FlashbackApiError");
}

/** True for a missing or invalid setting; `error.setting` names it. */
export function isSettingsError(error: unknown): error is SettingsError {
  return isNamed<SettingsError>(error, "SettingsError");
}

/** True when the deployment was cancelled while the provider waited. */
export function isCancelledError(error: unknown): error is CancelledError {
  return isNamed<CancelledError>(error, "CancelledError");
}

/** True for inputs or arguments refused before any request; `error.failures` names each field. */
export function isInputError(error: unknown): error is InputError {
  return isNamed<InputError>(error, "InputError");
}

/** True for a resource option a `RepoApiKey` cannot honour; `error.option` names it. */
export function isResourceOptionError(error: unknown): error is ResourceOptionError {
  return isNamed<ResourceOptionError>(error, "ResourceOptionError");
}

/** True for a delete Flashback answered 404 to while its list still holds the key. */
export function isKeyStillListedError(error: unknown): error is KeyStillListedError {
  return isNamed<KeyStillListedError>(error, "KeyStillListedError");
}

/** True for a `pulumi stack export` the audit cannot read. */
export function isStackExportError(error: unknown): error is StackExportError {
  return isNamed<StackExportError>(error, "StackExportError");
}

/** True for a 404 for a whole repository: deleted, or hidden from the token; `error.repoId` names it. */
export function isUnseenRepositoryError(error: unknown): error is UnseenRepositoryError {
  return isNamed<UnseenRepositoryError>(error, "UnseenRepositoryError");
}

/** True when Pulumi Cloud's JWKS could not be read, so an ESC token got no verdict. */
export function isJwksUnavailableError(error: unknown): error is JwksUnavailableError {
  return isNamed<JwksUnavailableError>(error, "JwksUnavailableError");
}

/** True for an ESC rotation that could not finish; `error.status` is what ESC is answered. */
export function isRotationError(error: unknown): error is RotationError {
  return isNamed<RotationError>(error, "RotationError");
}

/** True for an ESC rotation request refused by a check; `error.check` names it. */
export function isRequestRefusedError(error: unknown): error is RequestRefusedError {
  return isNamed<RequestRefusedError>(error, "RequestRefusedError");
}

/** True for a key Flashback made that was deleted instead of handed over. */
export function isKeyNotHandedOverError(error: unknown): error is KeyNotHandedOverError {
  return isNamed<KeyNotHandedOverError>(error, "KeyNotHandedOverError");
}

/** True for a key neither handed over whole nor deleted: the state records it, `error.id` names it. */
export function isPartialKeyError(error: unknown): error is PartialKeyError {
  return isNamed<PartialKeyError>(error, "PartialKeyError");
}
