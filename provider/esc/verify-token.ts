import { createHash } from "node:crypto";
import type { JWTPayload } from "jose" with { "resolution-mode": "import" };
import { JwksUnavailableError } from "../errors/jwks-unavailable-error";
import type { CheckName, RequestRefusedError } from "../errors/request-refused-error";
import type { EscSettings } from "./esc-settings";
import { loadJose, type JoseLibrary } from "./jose-library";
import { unauthorized } from "./refusal";
import { ReplayCache } from "./replay-cache";

/** Clock difference tolerated between Pulumi Cloud and this adapter, on `exp` and `iat`. */
export const CLOCK_SKEW_S = 30;
/** Oldest token taken, by its `iat`: ESC signs each request as it sends it. */
export const MAX_TOKEN_AGE_S = 600;
const REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti", "org", "current_env", "body_hash"];

/** Who asked, once every check passed: the environment is `org/env`, as the allowlist writes it. */
export interface VerifiedCaller {
  organization: string;
  environment: string;
}

/**
 * Verifies ESC's `Authorization: Bearer <JWT>` against Pulumi Cloud's JWKS with jose, then binds it
 * to the raw body (`body_hash`), refuses a `jti` seen before and a caller not allowed. Throws a
 * `RequestRefusedError` naming the first failed check.
 */
export class TokenVerifier {
  readonly #replays = new ReplayCache();
  #keys: Promise<{ jose: JoseLibrary; jwks: ReturnType<JoseLibrary["createRemoteJWKSet"]> }> | undefined;

  constructor(
    private readonly settings: EscSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(authorization: string | undefined, rawBody: Buffer): Promise<VerifiedCaller> {
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? "")?.[1];
    if (token === undefined) throw unauthorized("authorization", "the request has no Authorization: Bearer <JWT> header");
    const payload = await this.#verifySignedClaims(token);
    if (payload.body_hash !== bodyHashOf(rawBody)) throw unauthorized("body_hash", "the token's body_hash is not the SHA-256 of this body");
    const caller = this.#allowedCaller(payload);
    const expiresAtMs = ((payload.exp as number) + CLOCK_SKEW_S) * 1000;
    if (!this.#replays.accept(String(payload.jti), expiresAtMs, this.now())) {
      throw unauthorized("jti", "the token's jti was seen before: a token is good for one request");
    }
    return caller;
  }

  async #verifySignedClaims(token: string): Promise<JWTPayload> {
    const { jose, jwks } = await this.#loadKeys();
    try {
      const { payload } = await jose.jwtVerify(token, jwks, {
        algorithms: ["RS256"],
        issuer: this.settings.issuers,
        audience: this.settings.audience,
        clockTolerance: CLOCK_SKEW_S,
        maxTokenAge: MAX_TOKEN_AGE_S,
        requiredClaims: REQUIRED_CLAIMS,
        currentDate: new Date(this.now()),
      });
      return payload;
    } catch (error) {
      throw refusalOf(jose, error);
    }
  }

  #allowedCaller(payload: JWTPayload): VerifiedCaller {
    const organization = payload.org;
    const current = payload.current_env;
    if (typeof organization !== "string" || typeof current !== "string")
      throw unauthorized("claims", "the token's org or current_env is not a string");
    if (!this.settings.organizations.has(organization)) throw unauthorized("org", "the token's organization is not in FLASHBACK_ESC_ORGS");
    // The docs show current_env fully qualified (org/env); an older form without the organization is qualified here.
    const environment = current.startsWith(`${organization}/`) ? current : `${organization}/${current}`;
    const allowed = this.settings.environments;
    if (allowed.size > 0 && !allowed.has(environment)) {
      throw unauthorized("environment", "the token's environment is not in FLASHBACK_ESC_ENVIRONMENTS");
    }
    return { organization, environment };
  }

  #loadKeys(): Promise<{ jose: JoseLibrary; jwks: ReturnType<JoseLibrary["createRemoteJWKSet"]> }> {
    this.#keys ??= loadJose().then((jose) => ({
      jose,
      // An unknown kid makes jose fetch the set again (at most once per cooldown) before it gives up.
      jwks: jose.createRemoteJWKSet(this.settings.jwksUrl, { cooldownDuration: this.settings.jwksCooldownMs, cacheMaxAge: 600_000 }),
    }));
    return this.#keys;
  }
}

/** `sha256-` and the standard base64 of SHA-256 over the raw bytes: an SRI hash, as the docs define `body_hash`. */
export function bodyHashOf(rawBody: Buffer): string {
  return `sha256-${createHash("sha256").update(rawBody).digest("base64")}`;
}

/** jose's verdict as the check it names; its messages are not passed on, as some quote claim values. */
function refusalOf(jose: JoseLibrary, error: unknown): RequestRefusedError | JwksUnavailableError {
  const { errors } = jose;
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthorized("kid", "no key of Pulumi Cloud's JWKS has the token's kid, even after fetching the set again");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthorized("signature", "the token's signature does not verify");
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthorized("alg", "the token is not signed with RS256");
  // jose reports a token too old by its iat as expired, naming the claim.
  if (error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed)
    return claimRefusal(error.claim, error.reason);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return unauthorized("token", "the Authorization header does not hold a well-formed signed JWT");
  }
  return new JwksUnavailableError("Pulumi Cloud's JWKS could not be fetched or read, so the token could not be verified");
}

function claimRefusal(claim: string, reason: string): RequestRefusedError {
  const checks: Record<string, CheckName> = { iss: "iss", aud: "aud", iat: "iat", exp: "exp", nbf: "iat" };
  const check = checks[claim];
  if (reason === "missing" || check === undefined) return unauthorized("claims", `the token lacks the claim ${claim} or it is invalid`);
  const what: Record<string, string> = {
    iss: "the token's issuer is not in FLASHBACK_ESC_ISSUERS",
    aud: "the token's audience is not FLASHBACK_ESC_AUDIENCE",
    iat: "the token's iat is in the future or too old",
    exp: "the token has expired",
  };
  return unauthorized(check, what[check] ?? "a claim failed");
}
