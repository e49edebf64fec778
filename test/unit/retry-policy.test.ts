import { describe, expect, it } from "vitest";
import {
  BACKOFF,
  computeRetryDelay,
  isRetryable,
  jitteredBackoff,
  parseRetryAfter,
  type AttemptOutcome,
} from "../../provider/client/retry-policy";

const base = { retries: 0, rateLimited: 0, maxRetries: 6, remainingMs: 60_000, now: Date.parse("2026-01-01T00:00:00Z"), random: 0 };

describe("isRetryable", () => {
  it.each([
    { name: "GET after a reset", outcome: { kind: "network", sent: true }, idempotent: true, retry: true },
    { name: "POST after a reset (it may have created a key)", outcome: { kind: "network", sent: true }, idempotent: false, retry: false },
    { name: "POST that never left (connection refused)", outcome: { kind: "network", sent: false }, idempotent: false, retry: true },
    { name: "POST answered 429", outcome: { kind: "status", status: 429 }, idempotent: false, retry: true },
    { name: "POST answered 503", outcome: { kind: "status", status: 503 }, idempotent: false, retry: false },
    ...[408, 429, 500, 502, 503, 504].map((status) => ({
      name: `PUT answered ${status}`,
      outcome: { kind: "status", status },
      idempotent: true,
      retry: true,
    })),
    ...[400, 401, 403, 404, 409, 501].map((status) => ({
      name: `DELETE answered ${status}`,
      outcome: { kind: "status", status },
      idempotent: true,
      retry: false,
    })),
  ] as Array<{ name: string; outcome: AttemptOutcome; idempotent: boolean; retry: boolean }>)(
    "$name: retry=$retry",
    ({ outcome, idempotent, retry }) => {
      expect(isRetryable(outcome, idempotent)).toBe(retry);
    },
  );
});

describe("computeRetryDelay", () => {
  it("backs off exponentially with equal jitter, capped", () => {
    expect(jitteredBackoff(0, 0)).toBe(BACKOFF.baseMs / 2);
    expect(jitteredBackoff(0, 0.999)).toBeCloseTo(BACKOFF.baseMs * 0.9995);
    expect(jitteredBackoff(3, 0)).toBe((BACKOFF.baseMs * 8) / 2);
    expect(jitteredBackoff(30, 1)).toBe(BACKOFF.capMs);
  });

  it("honours Retry-After in seconds over the backoff", () => {
    expect(computeRetryDelay({ kind: "status", status: 503, retryAfter: "3" }, { ...base, idempotent: true })).toBe(3000);
  });

  it("honours Retry-After as an HTTP date", () => {
    const date = new Date(base.now + 5000).toUTCString();
    expect(computeRetryDelay({ kind: "status", status: 429, retryAfter: date }, { ...base, idempotent: false })).toBe(5000);
  });

  it("stops after maxRetries, except for 429 which only the deadline bounds", () => {
    const exhausted = { ...base, retries: 6, idempotent: true };
    expect(computeRetryDelay({ kind: "status", status: 503 }, exhausted)).toBeUndefined();
    expect(computeRetryDelay({ kind: "status", status: 429, retryAfter: "1" }, exhausted)).toBe(1000);
  });

  it("backs off exponentially on the 429s of a request that name no wait, whatever the other retries", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((rateLimited) =>
      computeRetryDelay({ kind: "status", status: 429 }, { ...base, retries: 0, rateLimited, idempotent: false }),
    );
    expect(delays).toEqual([125, 250, 500, 1000, 2000, 4000, 4000]);
  });

  it("gives up when the wait would pass the operation's deadline", () => {
    expect(
      computeRetryDelay({ kind: "status", status: 429, retryAfter: "10" }, { ...base, remainingMs: 9_000, idempotent: true }),
    ).toBeUndefined();
  });

  it.each([
    ["", undefined],
    ["2", 2000],
    ["0.5", 500],
    ["soon", undefined],
  ])("parses Retry-After %j as %j ms", (header, expected) => {
    expect(parseRetryAfter(header, base.now)).toBe(expected);
  });

  it("never returns a negative wait for a date in the past", () => {
    expect(parseRetryAfter(new Date(base.now - 60_000).toUTCString(), base.now)).toBe(0);
  });
});
