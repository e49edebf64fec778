import { FlashbackError } from "./flashback-error";
import type { RepoApiKeyOutputs } from "../definitions/repo-api-key";

/**
 * A key Flashback made that the create could neither hand over whole nor delete. Each front reports
 * it so that the engine records the key as a partial resource instead of forgetting it (the dynamic
 * host's init error, the plugin's `ErrorResourceInitFailed`): the next `up` replaces it and
 * `destroy` deletes it.
 */
export class PartialKeyError extends FlashbackError {
  override readonly name = "PartialKeyError";
  readonly code = "FLASHBACK_PARTIAL_KEY";

  constructor(
    message: string,
    readonly id: string,
    readonly outputs: RepoApiKeyOutputs,
  ) {
    super(message);
  }

  /** The key's id, never its outputs: they hold its key and perhaps its secret. */
  override publicFields(): Record<string, unknown> {
    return { ...super.publicFields(), id: this.id };
  }
}
