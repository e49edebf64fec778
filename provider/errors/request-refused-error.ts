import { FlashbackError } from "./flashback-error";

/** Which check an ESC rotation request failed: what a refusal names, instead of any value the request held. */
export type CheckName =
  | "authorization"
  | "token"
  | "alg"
  | "kid"
  | "signature"
  | "iss"
  | "aud"
  | "exp"
  | "iat"
  | "claims"
  | "body_hash"
  | "jti"
  | "org"
  | "environment"
  | "body";

/**
 * An ESC rotation request refused before anything reached Flashback: 401 for the token, 400 for the
 * body. Thrown where the check fails and answered by the rotator with its status and check.
 */
export class RequestRefusedError extends FlashbackError {
  override readonly name = "RequestRefusedError";
  readonly code = "FLASHBACK_ESC_REQUEST_REFUSED";

  constructor(
    readonly status: 400 | 401,
    readonly check: CheckName,
    message: string,
  ) {
    super(message);
  }

  /** The status and the check's name are what ESC is answered anyway; neither holds a value of the request. */
  override publicFields(): Record<string, unknown> {
    return { ...super.publicFields(), status: this.status, check: this.check };
  }
}
