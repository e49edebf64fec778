import { FlashbackError } from "./flashback-error";

/** A key Flashback made that was deleted instead of handed over: the engine had gone, or the create ran out of time. */
export class KeyNotHandedOverError extends FlashbackError {
  override readonly name = "KeyNotHandedOverError";
  readonly code = "FLASHBACK_KEY_NOT_HANDED_OVER";
}
