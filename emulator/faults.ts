/**
 * Scripted misbehaviour of the emulator, for tests and experiments: what Flashback and the network
 * between do on a bad day.
 */

/** What one faulty answer is. */
export type FaultKind =
  /** Answer this status with Flashback's error envelope (and `Retry-After` if given), without acting. */
  | { kind: "status"; status: number; retryAfter?: string; errorCode?: string }
  /** Close the connection before acting on the request. */
  | { kind: "reset-before" }
  /** Act on the request, then close the connection without answering. */
  | { kind: "reset-after" }
  /** Act, then answer 200 with a body that is not JSON. */
  | { kind: "malformed-json" }
  /** Do not act; answer 200 `{success: false}`. */
  | { kind: "success-false" }
  /** Act, then answer 200 without the fields the documentation promises (`id`, `key`, `secret`, `keys`). */
  | { kind: "missing-fields" }
  /** Wait this long before handling the request. */
  | { kind: "delay"; ms: number }
  /** Act on the request at once, then hold the answer this long: what it says is already out of date when it arrives. */
  | { kind: "delay-answer"; ms: number };

export const CREATED_AT_SHAPES = ["utc", "offset", "zoneless", "missing"] as const;
export type CreatedAtShape = (typeof CREATED_AT_SHAPES)[number];

/** A `createdAt` in one of the shapes Flashback could plausibly write; `undefined` for `missing`. */
export function formatCreatedAt(at: Date, shape: CreatedAtShape): string | undefined {
  const utc = at.toISOString();
  if (shape === "utc") return utc;
  if (shape === "zoneless") return utc.slice(0, -1);
  if (shape === "missing") return undefined;
  return `${new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, -1)}+09:00`;
}

/** A fault, which requests it hits, and how many times. */
export interface FaultRule {
  fault: FaultKind;
  /** Only requests with this method (any when absent). */
  method?: string;
  /** Only requests whose path starts with this (any when absent). */
  pathPrefix?: string;
  /** How many matching requests get the fault; then the rule is spent. Default 1. */
  times?: number;
}

/** A token bucket, as Flashback's gateways apply per client (10 requests a second, bursts of 20). */
export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

/** The faults in force; tests change them between steps. */
export class FaultPlan {
  #rules: Array<FaultRule & { left: number }> = [];
  #bucket: { tokens: number; updatedAt: number } | undefined;
  rateLimit: RateLimit | undefined;
  /** Added to every request. */
  latencyMs = 0;
  /** Up to this much more, at random, so that concurrent calls finish out of step. */
  latencyJitterMs = 0;
  /** Lists answer only this many keys, with `total`, `page` and `limit` fields, as a paged API would. */
  listPageSize: number | undefined;
  /** Answers carry no `Date` header, as a server that does not send one. */
  omitDateHeader = false;
  /** Access tokens stop working this long after they are first seen or issued. */
  tokenLifetimeMs: number | undefined;
  /**
   * How lists write a key's `createdAt` (Flashback documents only "ISO timestamp"): `utc` with `Z`,
   * `offset` with +09:00, `zoneless` (UTC digits, no zone, as a database column may give them), or `missing`.
   */
  createdAtShape: CreatedAtShape = "utc";
  /** Whether a create or rename to a name another key of the repository has is refused (409), as a unique index would. */
  refuseDuplicateNames = false;
  /** Flashback's clock against this machine's: added to the `Date` header and to `createdAt`. */
  clockOffsetMs = 0;

  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, left: rule.times ?? 1 });
  }

  reset(): void {
    this.#rules = [];
    this.#bucket = undefined;
    this.rateLimit = undefined;
    this.latencyMs = 0;
    this.latencyJitterMs = 0;
    this.listPageSize = undefined;
    this.omitDateHeader = false;
    this.tokenLifetimeMs = undefined;
    this.createdAtShape = "utc";
    this.refuseDuplicateNames = false;
    this.clockOffsetMs = 0;
  }

  /** How long to hold one request, given a number in [0, 1). */
  latencyFor(random: number): number {
    return this.latencyMs + random * this.latencyJitterMs;
  }

  /** The fault for this request, if a rule matches; spends one use of the rule. */
  take(method: string, path: string): FaultKind | undefined {
    const rule = this.#rules.find(
      (candidate) => candidate.left > 0 && (candidate.method ?? method) === method && path.startsWith(candidate.pathPrefix ?? ""),
    );
    if (rule === undefined) return undefined;
    rule.left -= 1;
    return rule.fault;
  }

  /** Token bucket: undefined when the request may pass, else the seconds until it may (for `Retry-After`). */
  takeRateToken(now: number): number | undefined {
    if (this.rateLimit === undefined) return undefined;
    const { requestsPerSecond, burst } = this.rateLimit;
    const bucket = (this.#bucket ??= { tokens: burst, updatedAt: now });
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * requestsPerSecond);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / requestsPerSecond));
  }
}

const FAULT_KINDS = [
  "status",
  "reset-before",
  "reset-after",
  "malformed-json",
  "success-false",
  "missing-fields",
  "delay",
  "delay-answer",
] as const;

/**
 * Reads a fault rule from the command line: `KIND[,status=N][,retryAfter=S][,errorCode=C][,ms=N][,method=M][,path=P][,times=N]`,
 * e.g. `reset-after,method=POST,times=2` or `status,status=503,times=3`.
 */
export function parseFaultRule(text: string): FaultRule {
  const [kind, ...pairs] = text.split(",");
  const options = Object.fromEntries(pairs.map((pair) => pair.split("=") as [string, string]));
  if (!FAULT_KINDS.includes(kind as (typeof FAULT_KINDS)[number])) {
    throw new Error(`unknown fault "${kind}": one of ${FAULT_KINDS.join(", ")}`);
  }
  const fault: FaultKind =
    kind === "status"
      ? {
          kind,
          status: Number(options.status ?? 500),
          ...(options.retryAfter ? { retryAfter: options.retryAfter } : {}),
          ...(options.errorCode ? { errorCode: options.errorCode } : {}),
        }
      : kind === "delay" || kind === "delay-answer"
        ? { kind, ms: Number(options.ms ?? 1000) }
        : ({ kind } as FaultKind);
  return {
    fault,
    ...(options.method ? { method: options.method.toUpperCase() } : {}),
    ...(options.path ? { pathPrefix: options.path } : {}),
    times: options.times === "always" ? Infinity : Number(options.times ?? 1),
  };
}
