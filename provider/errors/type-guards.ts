import type { CancelledError } from "./cancelled-error";
import type { FlashbackApiError } from "./flashback-api-error";
import { FLASHBACK_CODE_PREFIX, type FlashbackError } from "./flashback-error";
import type { InputError } from "./input-error";
import type { PartialKeyError } from "./partial-key-error";
import type { ResourceOptionError } from "./resource-option-error";
import type { SettingsError } from "./settings-error";

/*
 * The guards read `code` and `name` rather than the prototype: the program and the provider may load
 * different copies of this package, and `instanceof` fails across copies. A class gets a guard where
 * an entry point exports it; the others (the audit's, the ESC rotator's) are known by their `code`.
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

/** True for a key neither handed over whole nor deleted: the state records it, `error.id` names it. */
export function isPartialKeyError(error: unknown): error is PartialKeyError {
  return isNamed<PartialKeyError>(error, "PartialKeyError");
}
