import { FlashbackApiError, type ApiFailure } from "../errors/flashback-api-error";
import type { SecretRegistry } from "../errors/redact";
import type { Envelope } from "../types/api";
import { isNonEmptyString } from "../utils/is-non-empty-string";

/*
 * The only module that looks at got's errors. got's errors carry the request options, headers and
 * all (got 12+ prints them on console.log and JSON.stringify), so nothing here keeps a reference
 * to one: it copies out a few primitives and lets the object go.
 */

/** Error codes that prove the request never reached the server. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** got's timeout phases that end before a byte of the request is written. */
const NOT_SENT_TIMEOUT_EVENTS: ReadonlySet<string> = new Set(["lookup", "connect", "secureConnect"]);

export interface NetworkFailure {
  /** A short code for the message: `ECONNRESET`, `ETIMEDOUT`... never free text from the error. */
  networkCode: string;
  /** False only when the request certainly never left. */
  sent: boolean;
}

export function describeNetworkFailure(error: unknown): NetworkFailure {
  const code = readString(error, "code");
  const timeoutEvent = readString(error, "event");
  const networkCode = code !== undefined && /^[A-Z_0-9]{2,40}$/.test(code) ? code : "NETWORK_ERROR";
  const notSent = NOT_SENT_CODES.has(networkCode) || (timeoutEvent !== undefined && NOT_SENT_TIMEOUT_EVENTS.has(timeoutEvent));
  return { networkCode, sent: !notSent };
}

/** Hints for the statuses a user can act on. */
const HINTS: Readonly<Record<number, string>> = {
  401: "The access token is missing, invalid or expired: set a fresh one with `pulumi config set --secret flashback:accessToken <token>`, or give flashback:refreshToken so that the provider renews it",
  403: "The token's user lacks permission on this repository",
  404: "Check that the repository id is right and that the token's user can see it",
  409: "Flashback refuses two keys of one name in a repository: give this key a name no other key there has. A replacement in the same repository (rotateWhenChanged) needs a new name too, or deleteBeforeReplace",
  429: "Flashback is rate limiting this client; lower `--parallel` or raise flashback:operationTimeout",
};

export interface CallDescription {
  operation: string;
  method: string;
  pathTemplate: string;
  repoId?: string | undefined;
  keyId?: string | undefined;
}

export function errorFromStatus(
  call: CallDescription,
  status: number,
  statusText: string | undefined,
  body: Envelope | undefined,
  secrets: SecretRegistry,
): FlashbackApiError {
  const failure = statusFailure(call, status, body, secrets);
  if (statusText) failure.statusText = statusText;
  const hint = HINTS[status];
  if (hint) failure.hint = hint;
  return new FlashbackApiError(failure);
}

export function errorFromNetwork(call: CallDescription, network: NetworkFailure): FlashbackApiError {
  return new FlashbackApiError({ ...definedOnly(call), networkCode: network.networkCode });
}

/** A 2xx answer that cannot be used: not JSON, `success: false`, or a required field missing. */
export function errorFromBadAnswer(
  call: CallDescription,
  status: number,
  problem: string,
  body: Envelope | undefined,
  secrets: SecretRegistry,
): FlashbackApiError {
  return new FlashbackApiError({ ...statusFailure(call, status, body, secrets), hint: problem });
}

/** The call, the status and Flashback's own `error_code` and `message`, redacted. */
function statusFailure(call: CallDescription, status: number, body: Envelope | undefined, secrets: SecretRegistry): ApiFailure {
  const failure: ApiFailure = { ...definedOnly(call), status };
  if (isNonEmptyString(body?.error_code)) failure.errorCode = secrets.redactVendorText(body.error_code);
  if (isNonEmptyString(body?.message)) failure.vendorMessage = secrets.redactVendorText(body.message);
  return failure;
}

function definedOnly(call: CallDescription): ApiFailure {
  const failure: ApiFailure = { operation: call.operation, method: call.method, pathTemplate: call.pathTemplate };
  if (call.repoId !== undefined) failure.repoId = call.repoId;
  if (call.keyId !== undefined) failure.keyId = call.keyId;
  return failure;
}

function readString(value: unknown, property: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field = (value as Record<string, unknown>)[property];
  return typeof field === "string" ? field : undefined;
}
