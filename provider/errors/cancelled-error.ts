import { FlashbackError } from "./flashback-error";

/**
 * The deployment was cancelled (Ctrl-C: the engine's `Cancel`): the provider sends no new request
 * and waits no longer. What an operation had already made is cleaned up or recorded as usual.
 */
export class CancelledError extends FlashbackError {
  override readonly name = "CancelledError";
  readonly code = "FLASHBACK_CANCELLED";

  /** `detail`: what was stopped, e.g. the failure a retry would have followed. */
  constructor(detail?: string) {
    super(`The deployment was cancelled, so the Flashback provider sends no new request${detail === undefined ? "" : `: ${detail}`}`);
  }
}
