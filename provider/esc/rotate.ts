import { systemClock, type Clock } from "../client/clock";
import { FlashbackClient } from "../client/flashback-client";
import { FlashbackError } from "../errors/flashback-error";
import { JwksUnavailableError } from "../errors/jwks-unavailable-error";
import { SecretRegistry } from "../errors/redact";
import { RequestRefusedError } from "../errors/request-refused-error";
import { RotationError } from "../errors/rotation-error";
import type { EscSettings } from "./esc-settings";
import { rotateKey } from "./rotate-key";
import { parseRotationBody, type FlashbackCredential, type RotationAnswer } from "./rotation-request";
import { TokenVerifier } from "./verify-token";

/** What the adapter answers ESC: 200 with the rotated key, or an error ESC records without storing anything. */
export interface EscAnswer {
  status: number;
  body: RotationAnswer | ErrorBody;
}

/** A refusal names the check that failed; no answer but a 200 holds a value from the request. */
export interface ErrorBody {
  error: string;
  check?: string;
  message: string;
}

/** Headers as Node and Lambda give them: names in any case. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One line per request for the operator: who, what and how it ended, never a value that is secret. */
export type RotationLog = (line: string) => void;

export interface Rotator {
  rotate(rawBody: Buffer, headers: RequestHeaders): Promise<EscAnswer>;
}

/**
 * The adapter's core, shared by its fronts: every check on the token and the body before any
 * request reaches Flashback, then one rotation with the request's credential.
 */
export function createRotator(settings: EscSettings, options: { log?: RotationLog; clock?: Clock } = {}): Rotator {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.log(line));
  const verifier = new TokenVerifier(settings, () => clock.now());
  return {
    async rotate(rawBody, headers) {
      const started = clock.monotonic();
      const secrets = new SecretRegistry();
      let who = "unverified caller";
      try {
        const caller = await verifier.verify(headerOf(headers, "authorization"), rawBody);
        who = caller.environment;
        const { request, state } = parseRotationBody(rawBody);
        addCredential(secrets, request.credential);
        secrets.add(state?.secret);
        const client = await signedInClient(settings, request.credential, secrets);
        const answer = await rotateKey(
          { client, clock, environment: caller.environment, timeoutMs: settings.rotationTimeoutMs },
          request,
          state,
        );
        log(
          `${who}: rotated repository ${request.repoId} to generation ${answer.generation} (key ${answer.id}) in ${elapsed(clock, started)} ms`,
        );
        return { status: 200, body: answer };
      } catch (error) {
        const answer = failureAnswer(error, secrets);
        log(
          `${who}: answered ${answer.status}${answer.body.check === undefined ? "" : ` (check ${answer.body.check})`}: ${answer.body.message}`,
        );
        return answer;
      }
    },
  };
}

function headerOf(headers: RequestHeaders, name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return typeof found === "string" ? found : undefined;
}

function addCredential(secrets: SecretRegistry, credential: FlashbackCredential): void {
  if (credential.kind === "password") secrets.add(credential.password);
  if (credential.kind === "refreshToken") secrets.add(credential.refreshToken);
  if (credential.kind === "accessToken") secrets.add(credential.accessToken);
}

/** A client of this rotation only: the credential lives as long as the request. */
async function signedInClient(settings: EscSettings, credential: FlashbackCredential, secrets: SecretRegistry): Promise<FlashbackClient> {
  const client = new FlashbackClient({
    settings: {
      ...settings.flashback,
      accessToken: credential.kind === "accessToken" ? credential.accessToken : undefined,
      refreshToken: credential.kind === "refreshToken" ? credential.refreshToken : undefined,
    },
    secrets,
  });
  if (credential.kind === "password") await client.logIn(credential.email, credential.password);
  return client;
}

/** Refusals name their check; failures say what went wrong, redacted of every credential this request carried. */
function failureAnswer(error: unknown, secrets: SecretRegistry): { status: number; body: ErrorBody } {
  if (error instanceof RequestRefusedError)
    return { status: error.status, body: { error: "refused", check: error.check, message: error.message } };
  if (error instanceof JwksUnavailableError) return { status: 503, body: { error: "unavailable", message: error.message } };
  const status = error instanceof RotationError ? error.status : 502;
  const message = error instanceof FlashbackError ? error.message : "the rotation failed unexpectedly";
  return { status, body: { error: "rotation failed", message: secrets.redact(message) } };
}

function elapsed(clock: Clock, started: number): number {
  return Math.round(clock.monotonic() - started);
}
