import { FlashbackApiError } from "../errors/flashback-api-error";
import type { SecretRegistry } from "../errors/redact";
import type { Settings } from "../settings/resolve-settings";
import type {
  ApiKeyRequestBody,
  CreateApiKeyResponse,
  Envelope,
  ListApiKeysResponse,
  ListedApiKey,
  LoginResponse,
  RefreshTokenResponse,
} from "../types/api";
import { API_PATHS, buildPath, type PathTemplate } from "./api-paths";
import { createGotTransport, type HttpResult, type HttpTransport } from "./http-transport";
import { CancelledError } from "../errors/cancelled-error";
import { isCancelledError } from "../errors/type-guards";
import { Deadline, systemClock, type Clock } from "./clock";
import { parseHttpDate } from "./flashback-time";
import { describePaging } from "./paging";
import { RequestGate } from "./request-gate";
import { computeRetryDelay, type AttemptOutcome } from "./retry-policy";
import { errorFromBadAnswer, errorFromNetwork, errorFromStatus, type CallDescription } from "./to-flashback-error";
import { TokenSource, type RenewedTokens } from "./token-source";
import { isNonEmptyString } from "../utils/is-non-empty-string";

export interface ClientOptions {
  settings: Settings;
  secrets: SecretRegistry;
  /** Shared by every client of one provider process. */
  gate?: RequestGate;
  transport?: HttpTransport;
  /** Injected for tests: jitter source and clock. */
  random?: () => number;
  clock?: Clock;
  /** Aborted when the deployment is cancelled: waits end at once and nothing is retried. */
  signal?: AbortSignal;
}

/** What one call belongs to. */
export interface CallOptions {
  /** The deadline of the operation the call is part of; without one, the call gets a deadline of its own. */
  deadline?: Deadline;
  /**
   * Removing what a failed or cancelled operation made: it goes on after a cancellation, so that
   * nothing is left half-made, and gets its first attempt even past the deadline.
   */
  cleanup?: boolean;
}

/** One listing of a repository's keys, and when Flashback says it was taken (its `Date` in GMT), for judging reservations by its own clock. */
export interface ApiKeyListing {
  keys: ListedApiKey[];
  listedAt: number | undefined;
}

interface ApiCall extends CallDescription {
  method: "GET" | "POST" | "PUT" | "DELETE";
  pathTemplate: PathTemplate;
  params?: Record<string, string>;
  body?: unknown;
  /** Whether sending it twice is harmless. */
  idempotent: boolean;
  /** Statuses that are an expected answer rather than a failure (404 on delete). */
  accept?: readonly number[];
  /** What a 2xx answer lacks, if anything: such an answer counts as garbled. */
  incomplete?: (body: Envelope) => string | undefined;
  /** Why a whole 2xx answer cannot be used, if it cannot: such an answer fails without a retry. */
  refuse?: (body: Envelope, link: string | undefined) => string | undefined;
  /** False for the token renewal call itself. */
  authenticated?: boolean;
}

interface Answer {
  status: number;
  body: Envelope;
  date: string | undefined;
}

/** `error_code`s of a 404 that mean the user, not the repository, was not found. */
const USER_NOT_FOUND = /USER/i;

/**
 * Flashback's repository API key endpoints. Every call goes through one loop: the shared gate, the
 * token, the retry policy and the operation deadline; every failure leaves as a `FlashbackApiError`
 * with a redacted, readable message.
 */
export class FlashbackClient {
  readonly #settings: Settings;
  readonly #secrets: SecretRegistry;
  readonly #gate: RequestGate;
  readonly #transport: HttpTransport;
  readonly #tokens: TokenSource;
  readonly #random: () => number;
  readonly #clock: Clock;
  readonly #signal: AbortSignal | undefined;

  /** The settings this client was built with. */
  get settings(): Settings {
    return this.#settings;
  }

  constructor(options: ClientOptions) {
    this.#settings = options.settings;
    this.#secrets = options.secrets;
    this.#clock = options.clock ?? systemClock;
    this.#signal = options.signal;
    this.#gate = options.gate ?? new RequestGate(options.settings.maxConcurrency, this.#clock);
    this.#transport =
      options.transport ??
      createGotTransport({
        baseUrl: options.settings.apiUrl,
        timeoutMs: options.settings.requestTimeoutMs,
        maxSockets: options.settings.maxConcurrency,
      });
    this.#random = options.random ?? Math.random;
    this.#tokens = new TokenSource(options.settings, options.secrets, (refreshToken) => this.#renewTokens(refreshToken));
  }

  /**
   * `POST /repo/{repoId}/apikey`. The answer holds the plaintext secret, which Flashback never shows
   * again. Messages name the key `displayName`: the declared name, where the key is created under a
   * reservation.
   */
  async createApiKey(
    repoId: string,
    body: ApiKeyRequestBody,
    options: CallOptions & { displayName?: string } = {},
  ): Promise<{ created: CreateApiKeyResponse; answeredAt: number | undefined }> {
    const answer = await this.#call(
      {
        operation: `create API key "${options.displayName ?? body.name}"`,
        method: "POST",
        pathTemplate: API_PATHS.apiKeys,
        params: { repoId },
        repoId,
        body,
        idempotent: false,
      },
      options,
    );
    const created = answer.body as CreateApiKeyResponse;
    this.#secrets.add(typeof created.secret === "string" ? created.secret : undefined);
    return { created, answeredAt: parseHttpDate(answer.date) };
  }

  /**
   * `GET /repo/{repoId}/apikey`; `undefined` when the repository does not exist (404). An answer
   * that looks like one page of several fails (paging.ts): a partial list must never pass for all.
   */
  async listApiKeys(repoId: string, options: CallOptions = {}): Promise<ApiKeyListing | undefined> {
    const call = {
      operation: "list API keys",
      method: "GET",
      pathTemplate: API_PATHS.apiKeys,
      params: { repoId },
      repoId,
      idempotent: true,
      accept: [404],
      incomplete: (body: Envelope) => (Array.isArray((body as ListApiKeysResponse).keys) ? undefined : "The answer has no `keys` list"),
      refuse: (body: Envelope, link: string | undefined) => {
        const keys = (body as ListApiKeysResponse).keys ?? [];
        const paging = describePaging(body as Record<string, unknown>, keys.length, link);
        if (paging !== undefined) {
          return `The answer looks like one page of several (${paging}), and Flashback documents no way to ask for the next: the provider will not take part of a list for all of it, which could drop live keys from the state`;
        }
        const unreadable = keys.findIndex((entry) => !isListedApiKey(entry));
        // A key the provider cannot read is still a key: skipping it would take it for gone.
        return unreadable < 0
          ? undefined
          : `Entry ${unreadable} of the answer's \`keys\` lacks a string id, name or accessType, and the provider will not take a list it cannot read whole for all of it, which could drop live keys from the state`;
      },
    } as const;
    const answer = await this.#call(call, options);
    if (this.#isGone(call, answer)) return undefined;
    return { keys: (answer.body as ListApiKeysResponse).keys ?? [], listedAt: parseHttpDate(answer.date) };
  }

  /** `PUT /repo/{repoId}/apikey/{apikeyId}`: replaces the name and the access type; returns when Flashback's clock says it answered. */
  async updateApiKey(
    repoId: string,
    keyId: string,
    body: ApiKeyRequestBody,
    options: CallOptions = {},
  ): Promise<{ answeredAt: number | undefined }> {
    const answer = await this.#call(
      {
        operation: "update API key",
        method: "PUT",
        pathTemplate: API_PATHS.apiKey,
        params: { repoId, apikeyId: keyId },
        repoId,
        keyId,
        body,
        idempotent: true,
      },
      options,
    );
    return { answeredAt: parseHttpDate(answer.date) };
  }

  /** `DELETE /repo/{repoId}/apikey/{apikeyId}`: "absent" when the key or its repository is already gone. */
  async deleteApiKey(repoId: string, keyId: string, options: CallOptions = {}): Promise<"deleted" | "absent"> {
    const call = {
      operation: "delete API key",
      method: "DELETE",
      pathTemplate: API_PATHS.apiKey,
      params: { repoId, apikeyId: keyId },
      repoId,
      keyId,
      idempotent: true,
      accept: [404],
    } as const;
    return this.#isGone(call, await this.#call(call, options)) ? "absent" : "deleted";
  }

  /**
   * `DELETE`, and after a 404 the repository's list, which alone tells a key that is gone from one
   * in a repository this token cannot see (`repository-unseen`) or one Flashback still lists.
   */
  async deleteApiKeyConfirmed(
    repoId: string,
    keyId: string,
    options: CallOptions = {},
  ): Promise<"deleted" | "gone" | "still-listed" | "repository-unseen"> {
    if ((await this.deleteApiKey(repoId, keyId, options)) === "deleted") return "deleted";
    const listing = await this.listApiKeys(repoId, options);
    if (listing === undefined) return "repository-unseen";
    return listing.keys.some((key) => key.id === keyId) ? "still-listed" : "gone";
  }

  /**
   * Whether a 404 says the repository or key is gone. A 404 for the token's user is no such proof:
   * taking it for one would drop live keys from the state, so it fails instead.
   */
  #isGone(call: ApiCall, answer: Answer): boolean {
    if (answer.status !== 404) return false;
    if (USER_NOT_FOUND.test(answer.body.error_code ?? "")) throw errorFromStatus(call, 404, "Not Found", answer.body, this.#secrets);
    return true;
  }

  /**
   * `POST /user/login`: signs in a user without multi-factor sign-in, and from then on sends its
   * access token (renewed with its refresh token when Flashback rejects it).
   */
  async logIn(email: string, password: string, options: CallOptions = {}): Promise<void> {
    this.#secrets.add(password);
    const call = {
      operation: "sign in",
      method: "POST",
      pathTemplate: API_PATHS.login,
      body: { email, password },
      idempotent: true,
      authenticated: false,
      incomplete: (body: Envelope) => (isNonEmptyString((body as LoginResponse).accessToken) ? undefined : "The answer has no accessToken"),
    } as const;
    const answer = (await this.#call(call, options)).body as LoginResponse;
    this.#tokens.adopt({
      accessToken: answer.accessToken as string,
      refreshToken: isNonEmptyString(answer.refreshToken) ? answer.refreshToken : undefined,
    });
  }

  /** `POST /user/refresh`, with the token under both names: the docs and the official client disagree on it. */
  async #renewTokens(refreshToken: string): Promise<RenewedTokens> {
    const call = {
      operation: "renew the access token",
      method: "POST",
      pathTemplate: API_PATHS.refreshToken,
      body: { refreshToken, refresh_token: refreshToken },
      idempotent: false,
      authenticated: false,
      incomplete: (body: Envelope) =>
        isNonEmptyString((body as RefreshTokenResponse).accessToken) ? undefined : "The answer has no accessToken",
    } as const;
    const renewed = (await this.#call(call)).body as RefreshTokenResponse;
    return {
      accessToken: renewed.accessToken as string,
      refreshToken: isNonEmptyString(renewed.refreshToken) ? renewed.refreshToken : undefined,
    };
  }

  /**
   * One request with its retries, within the operation's deadline. A cancellation ends its waits
   * at once (a cleanup's aside) and stops its retries; the first attempt of a call is always sent.
   */
  async #call(call: ApiCall, options: CallOptions = {}): Promise<Answer> {
    const deadline = options.deadline ?? new Deadline(this.#clock, this.#settings.operationTimeoutMs);
    const signal = options.cleanup ? undefined : this.#signal;
    let renewedToken = false;
    for (let retries = 0, rateLimited = 0; ;) {
      const token = call.authenticated === false ? undefined : await this.#tokens.current();
      const result = await this.#gate.run(
        () =>
          // Waiting for a slot or a rate limit's pause may have used up the deadline: then nothing is sent.
          !options.cleanup && deadline.expired
            ? Promise.reject(deadlinePassedBeforeSending(call))
            : this.#transport({
                method: call.method,
                path: buildPath(call.pathTemplate, call.params),
                token,
                body: call.body,
                timeoutMs: this.#requestTimeoutMs(deadline),
              }),
        signal,
      );
      if (result.kind === "response" && result.status === 401 && token !== undefined && this.#tokens.canRenew && !renewedToken) {
        renewedToken = true;
        await this.#tokens.renewAfterRejection(token);
        continue;
      }
      const judged = this.#judge(call, result);
      if ("answer" in judged) return judged.answer;
      const isRateLimited = judged.outcome.kind === "status" && judged.outcome.status === 429;
      if (isRateLimited) rateLimited += 1;
      const delay = computeRetryDelay(judged.outcome, {
        idempotent: call.idempotent,
        retries,
        rateLimited,
        maxRetries: this.#settings.maxRetries,
        remainingMs: deadline.remainingMs(),
        now: this.#clock.now(),
        random: this.#random(),
      });
      if (delay === undefined) throw judged.failure;
      if (isRateLimited) this.#gate.pause(delay);
      else retries += 1;
      await this.#clock.sleep(delay, signal).catch((error: unknown) => {
        throw isCancelledError(error) ? new CancelledError(`no retry after: ${judged.failure.message}`) : error;
      });
    }
  }

  /**
   * No request runs past its operation's deadline: it gets `requestTimeout` or what is left, if less.
   * A request sent once the deadline has passed (a cleanup's) still gets a whole `requestTimeout`.
   */
  #requestTimeoutMs(deadline: Deadline): number {
    const remaining = deadline.remainingMs();
    return remaining > 0 ? Math.min(this.#settings.requestTimeoutMs, Math.ceil(remaining)) : this.#settings.requestTimeoutMs;
  }

  /** A usable answer, or why the attempt failed and how the retry policy should see it. */
  #judge(call: ApiCall, result: HttpResult): { answer: Answer } | { outcome: AttemptOutcome; failure: FlashbackApiError } {
    if (result.kind === "network") {
      const failure = errorFromNetwork(call, result);
      return { outcome: { kind: "network", sent: result.sent }, failure: result.sent ? markMayHaveActed(call, failure) : failure };
    }
    const body = parseEnvelope(result.text);
    const date = result.date;
    const expected = (result.status >= 200 && result.status < 300) || (call.accept ?? []).includes(result.status);
    if (!expected) {
      const failure = errorFromStatus(call, result.status, result.statusText, body, this.#secrets);
      const outcome: AttemptOutcome = { kind: "status", status: result.status, retryAfter: result.retryAfter };
      return { outcome, failure: result.status >= 500 || result.status === 408 ? markMayHaveActed(call, failure) : failure };
    }
    if (result.status >= 300) return { answer: { status: result.status, body: body ?? {}, date } };
    if (body?.success === false) {
      const failure = errorFromBadAnswer(call, result.status, "Flashback answered success: false", body, this.#secrets);
      return { outcome: { kind: "status", status: result.status }, failure };
    }
    const problem = body === undefined ? "The answer is not a JSON object" : call.incomplete?.(body);
    if (problem !== undefined) {
      // A garbled answer tells as little as a lost one: retried when harmless, reconciled when it was a create.
      const failure = markMayHaveActed(call, errorFromBadAnswer(call, result.status, problem, body, this.#secrets));
      return { outcome: { kind: "network", sent: true }, failure };
    }
    const refused = call.refuse?.(body as Envelope, result.link);
    if (refused !== undefined) {
      return {
        outcome: { kind: "status", status: result.status },
        failure: errorFromBadAnswer(call, result.status, refused, body, this.#secrets),
      };
    }
    return { answer: { status: result.status, body: body as Envelope, date } };
  }
}

function deadlinePassedBeforeSending(call: ApiCall): FlashbackApiError {
  return new FlashbackApiError({
    operation: call.operation,
    method: call.method,
    pathTemplate: call.pathTemplate,
    ...(call.repoId === undefined ? {} : { repoId: call.repoId }),
    ...(call.keyId === undefined ? {} : { keyId: call.keyId }),
    hint: "flashback:operationTimeout ran out while the request waited for a free slot or a rate limit's pause, so it was not sent; raise flashback:operationTimeout or lower --parallel",
  });
}

/** For a request that is not idempotent, records that Flashback may have acted on it although the answer says nothing usable. */
function markMayHaveActed(call: ApiCall, error: FlashbackApiError): FlashbackApiError {
  return call.idempotent ? error : error.withMayHaveActed();
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

function isListedApiKey(value: unknown): value is ListedApiKey {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.id === "string" && typeof entry.name === "string" && typeof entry.accessType === "string";
}
