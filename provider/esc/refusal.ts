/** Which check a request failed: what a refusal names, instead of any value the request held. */
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

/** A request refused before anything reached Flashback: 401 for the token, 400 for the body. */
export class Refusal extends Error {
  override readonly name = "Refusal";

  constructor(
    readonly status: 400 | 401,
    readonly check: CheckName,
    message: string,
  ) {
    super(message);
  }
}

export const unauthorized = (check: CheckName, message: string): Refusal => new Refusal(401, check, message);
export const badBody = (message: string): Refusal => new Refusal(400, "body", message);
