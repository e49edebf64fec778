import type { FlashbackApiError } from "./flashback-api-error";
import type { FlashbackError } from "./flashback-error";
import type { SettingsError } from "./settings-error";

/*
 * The guards compare `name` as well as the prototype: the program and the provider run in different
 * processes and may load different copies of this package, and `instanceof` fails across copies.
 */

const FLASHBACK_ERROR_NAMES = new Set(["FlashbackApiError", "SettingsError", "InputError", "CancelledError", "ResourceOptionError"]);

/** True for any error this package throws (`FlashbackApiError`, `SettingsError`, `InputError`, `CancelledError`, `ResourceOptionError`). */
export function isFlashbackError(error: unknown): error is FlashbackError {
  return error instanceof Error && FLASHBACK_ERROR_NAMES.has(error.name) && "code" in error;
}

/** True for a failed call to Flashback's API; `error.failure` then says what failed. */
export function isFlashbackApiError(error: unknown): error is FlashbackApiError {
  return isFlashbackError(error) && error.name === "FlashbackApiError";
}

/** True for a missing or invalid setting; `error.setting` names it. */
export function isSettingsError(error: unknown): error is SettingsError {
  return isFlashbackError(error) && error.name === "SettingsError";
}

/** True when the deployment was cancelled while the provider waited. */
export function isCancelledError(error: unknown): boolean {
  return isFlashbackError(error) && error.name === "CancelledError";
}
