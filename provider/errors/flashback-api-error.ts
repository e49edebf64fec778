import { FlashbackError } from "./flashback-error";

/** What is known about a failed call to Flashback: primitives only, every text already redacted. */
export interface ApiFailure {
  /** What the provider was doing, in words: "create API key", "list API keys"... */
  operation: string;
  method: string;
  /** The path with its parameters as placeholders, e.g. `/repo/{repoId}/apikey/{apikeyId}`. */
  pathTemplate: string;
  repoId?: string;
  keyId?: string;
  /** HTTP status, absent when no answer arrived. */
  status?: number;
  statusText?: string;
  /** Flashback's `error_code`, e.g. `NO_AUTH_USER`. */
  errorCode?: string;
  /** Flashback's `message`, redacted and shortened. */
  vendorMessage?: string;
  /** Why no answer arrived: `ETIMEDOUT`, `ECONNRESET`... */
  networkCode?: string;
  /** What the user can do about it. */
  hint?: string;
  /** For a create: Flashback may have made the key although no usable answer came back (lost answer, 5xx). */
  mayHaveActed?: boolean;
}

/** A call to Flashback's API that failed: an error status, a `success: false` body, a bad answer or no answer. */
export class FlashbackApiError extends FlashbackError {
  override readonly name = "FlashbackApiError";
  readonly code = "FLASHBACK_API_ERROR";
  readonly failure: Readonly<ApiFailure>;

  constructor(failure: ApiFailure) {
    super(describeFailure(failure));
    this.failure = Object.freeze({ ...failure });
  }

  get status(): number | undefined {
    return this.failure.status;
  }

  get errorCode(): string | undefined {
    return this.failure.errorCode;
  }

  get mayHaveActed(): boolean {
    return this.failure.mayHaveActed === true;
  }

  /** The same failure, marked as one after which Flashback may have acted. */
  withMayHaveActed(): FlashbackApiError {
    return new FlashbackApiError({ ...this.failure, mayHaveActed: true });
  }

  override publicFields(): Record<string, unknown> {
    return { ...super.publicFields(), ...this.failure };
  }
}

function describeFailure(failure: ApiFailure): string {
  const target = [
    failure.repoId === undefined ? undefined : `repository "${failure.repoId}"`,
    failure.keyId === undefined ? undefined : `key "${failure.keyId}"`,
  ].filter(Boolean);
  const subject = target.length > 0 ? ` (${target.join(", ")})` : "";
  const outcome =
    failure.status === undefined
      ? `got no answer${failure.networkCode ? ` (${failure.networkCode})` : ""}`
      : `answered ${failure.status}${failure.statusText ? ` ${failure.statusText}` : ""}`;
  const vendor = [failure.errorCode, failure.vendorMessage === undefined ? undefined : JSON.stringify(failure.vendorMessage)].filter(
    Boolean,
  );
  const detail = vendor.length > 0 ? `: ${vendor.join(" ")}` : "";
  const hint = failure.hint ? `. ${failure.hint}` : "";
  return `Flashback ${failure.operation}${subject} failed: ${failure.method} ${failure.pathTemplate} ${outcome}${detail}${hint}`;
}
