import { FlashbackError } from "./flashback-error";

/** Flashback answered 404 to deleting a key that its list still holds: the delete is not counted as done. */
export class KeyStillListedError extends FlashbackError {
  override readonly name = "KeyStillListedError";
  readonly code = "FLASHBACK_KEY_STILL_LISTED";
}
