import { FlashbackError } from "./flashback-error";

/** Pulumi Cloud's JWKS could not be fetched: no verdict on the ESC token, so the rotator answers 503, not 401. */
export class JwksUnavailableError extends FlashbackError {
  override readonly name = "JwksUnavailableError";
  readonly code = "FLASHBACK_ESC_JWKS_UNAVAILABLE";
}
