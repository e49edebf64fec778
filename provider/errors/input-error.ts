import type { InputFailure } from "../definitions/check-properties";
import { FlashbackError } from "./flashback-error";

export type { InputFailure };

/**
 * Inputs that `check` would have refused. The engine always calls `check` first, so this only
 * fires when a lifecycle method is called directly; it guarantees no request is built from bad input.
 */
export class InputError extends FlashbackError {
  override readonly name = "InputError";
  readonly code = "FLASHBACK_INPUT_ERROR";

  /** `subject` names what was refused: a resource's inputs, or a function's arguments. */
  constructor(
    readonly failures: readonly InputFailure[],
    subject = "RepoApiKey inputs",
  ) {
    super(`Invalid ${subject}: ${failures.map((failure) => failure.reason).join("; ")}`);
  }
}
