import { FlashbackError } from "./flashback-error";

/** A rotation that could not finish: what ESC is answered (409 another rotation runs, 502 Flashback failed), nothing stored. */
export class RotationError extends FlashbackError {
  override readonly name = "RotationError";
  readonly code = "FLASHBACK_ESC_ROTATION_FAILED";

  constructor(
    readonly status: 409 | 502 | 503,
    message: string,
  ) {
    super(message);
  }
}
