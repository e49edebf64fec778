import { afterAll, describe, expect, it } from "vitest";
import { startEmulator, type FaultRule, type RunningEmulator } from "../../emulator";
import type { RepoApiKeyOutputs } from "../../provider/definitions/repo-api-key";
import { everythingPrinted, providerFor, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { virtualClock } from "../helpers/test-clocks";

/*
 * Every fault against every operation, each cell on its own emulator: the outcome (success after
 * retries, or a readable failure), the requests Flashback saw, and afterwards zero orphaned keys,
 * zero duplicates, zero secrets in anything the provider said. Waits (backoff, Retry-After) run on
 * a virtual clock: recorded, not waited.
 */

const REFRESH_TOKEN = "rt-SECRET-91c3e0d5-never-print-me";
type Operation = "create" | "read" | "update" | "delete";
const METHOD: Record<Operation, string> = { create: "POST", read: "GET", update: "PUT", delete: "DELETE" };

interface Fault {
  name: string;
  inject: (emulator: RunningEmulator, method: string) => void;
  /** Requests Flashback sees, per operation (a create that succeeds ends with its claim, a PUT); and whether the operation succeeds. */
  expected: Record<Operation, { ok: boolean; requests: number }>;
  /** The first wait the provider must choose, where the fault dictates it. */
  firstWaitMs?: number;
}

const rule = (fault: FaultRule["fault"], method: string, times = 1): FaultRule => ({ fault, method, pathPrefix: "/repo/", times });
const same = (ok: boolean, requests: number) => ({ ok, requests });

const FAULTS: Fault[] = [
  {
    name: "latency of 30 ms",
    inject: (emulator) => (emulator.faults.latencyMs = 30),
    expected: { create: same(true, 2), read: same(true, 1), update: same(true, 1), delete: same(true, 1) },
  },
  {
    name: "429 with Retry-After",
    inject: (emulator, method) => emulator.faults.add(rule({ kind: "status", status: 429, retryAfter: "1" }, method)),
    expected: { create: same(true, 3), read: same(true, 2), update: same(true, 2), delete: same(true, 2) },
    firstWaitMs: 1_000,
  },
  {
    name: "a burst of 5xx (500 then 503)",
    inject: (emulator, method) => {
      emulator.faults.add(rule({ kind: "status", status: 500 }, method));
      emulator.faults.add(rule({ kind: "status", status: 503 }, method));
    },
    // A create that met a 5xx may have made a key: each is followed by a list to look for it.
    expected: { create: same(true, 6), read: same(true, 3), update: same(true, 3), delete: same(true, 3) },
  },
  {
    name: "connection reset before the request is processed",
    inject: (emulator, method) => emulator.faults.add(rule({ kind: "reset-before" }, method)),
    expected: { create: same(true, 4), read: same(true, 2), update: same(true, 2), delete: same(true, 2) },
  },
  {
    name: "connection reset after the request is processed",
    inject: (emulator, method) => emulator.faults.add(rule({ kind: "reset-after" }, method)),
    // create: the lost key is found by the list and deleted before the retry; delete: the retry meets 404, and a list proves it gone.
    expected: { create: same(true, 5), read: same(true, 2), update: same(true, 2), delete: same(true, 3) },
  },
  {
    name: "malformed JSON in a 200",
    inject: (emulator, method) => emulator.faults.add(rule({ kind: "malformed-json" }, method)),
    expected: { create: same(true, 5), read: same(true, 2), update: same(true, 2), delete: same(true, 3) },
  },
  {
    name: "a 200 with success: false",
    inject: (emulator, method) => emulator.faults.add(rule({ kind: "success-false" }, method)),
    expected: { create: same(false, 1), read: same(false, 1), update: same(false, 1), delete: same(false, 1) },
  },
  {
    name: "a 200 missing documented fields",
    inject: (emulator, method) => emulator.faults.add(rule({ kind: "missing-fields" }, method)),
    // create: the key without a secret is deleted, the repository checked, and a new key made.
    expected: { create: same(true, 5), read: same(true, 2), update: same(true, 1), delete: same(true, 1) },
  },
  {
    name: "an expired access token",
    inject: (emulator) => emulator.expireToken(TEST_TOKEN),
    expected: { create: same(true, 4), read: same(true, 3), update: same(true, 3), delete: same(true, 3) },
  },
];

const totals = { tried: 0, survived: 0, orphaned: 0, duplicates: 0, leaked: 0 };

afterAll(() => {
  console.log(
    `fault matrix: ${totals.tried} faults tried, ${totals.survived} survived as expected, ${totals.orphaned} keys orphaned, ` +
      `${totals.duplicates} duplicate keys, ${totals.leaked} secrets leaked`,
  );
});

const cells = FAULTS.flatMap((fault) =>
  (["create", "read", "update", "delete"] as const).map((operation) => ({ fault, operation, title: `${operation} under ${fault.name}` })),
);

describe.concurrent("fault matrix", () => {
  it.each(cells)("$title", async ({ fault, operation }) => {
    totals.tried += 1;
    const emulator = await startEmulator({ repos: [TEST_REPO], accessTokens: [TEST_TOKEN], refreshTokens: [REFRESH_TOKEN] });
    try {
      const { clock, sleeps } = virtualClock();
      const provider = providerFor(emulator, { FLASHBACK_REFRESH_TOKEN: REFRESH_TOKEN }, { clock });
      const inputs = { repoId: TEST_REPO, name: "matrix-key", accessType: "READ" } as const;
      const existing = operation === "create" ? undefined : emulator.store.create(TEST_REPO, inputs.name, inputs.accessType);
      const outputs: RepoApiKeyOutputs | undefined = existing && { ...inputs, key: existing.stored.key, secret: existing.secret };
      fault.inject(emulator, METHOD[operation]);

      const run = async (): Promise<unknown> => {
        const id = existing?.stored.id as string;
        if (operation === "create") return provider.create(inputs);
        if (operation === "read") return provider.read(id, outputs as RepoApiKeyOutputs);
        if (operation === "update") return provider.update(id, outputs as RepoApiKeyOutputs, { ...inputs, name: "matrix-renamed" });
        return provider.delete(id, outputs as RepoApiKeyOutputs);
      };
      const outcome = await run().then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      );

      const expected = fault.expected[operation];
      expect(outcome.ok ? "succeeded" : `failed: ${(outcome as { error: Error }).error.message}`).toMatch(
        expected.ok ? /^succeeded$/ : /^failed: Flashback .* failed: /,
      );
      expect(emulator.requests.length).toBe(expected.requests);
      if (fault.firstWaitMs !== undefined) expect(sleeps[0], "the wait Flashback asked for").toBe(fault.firstWaitMs);

      const keys = emulator.store.list(TEST_REPO);
      // A failed delete leaves the key in Flashback and in the state (the engine keeps it): not an orphan.
      const expectedKeys = operation === "create" ? (expected.ok ? 1 : 0) : operation === "delete" && expected.ok ? 0 : 1;
      const orphaned = Math.max(0, keys.length - expectedKeys);
      totals.orphaned += orphaned;
      expect(keys).toHaveLength(expectedKeys);
      if (operation === "create" && outcome.ok) expect(keys[0]?.id).toBe((outcome.result as { id: string }).id);
      const duplicates = keys.length - new Set(keys.map((key) => key.name)).size;
      totals.duplicates += duplicates;
      expect(duplicates, "keys sharing a name").toBe(0);

      if (!outcome.ok) {
        const printed = everythingPrinted(outcome.error);
        const secrets = [TEST_TOKEN, REFRESH_TOKEN, existing?.secret, existing?.stored.key].filter(
          (value): value is string => value !== undefined,
        );
        const leaks = secrets.filter((secret) => printed.includes(secret));
        totals.leaked += leaks.length;
        expect(leaks).toEqual([]);
      }
      totals.survived += 1;
    } finally {
      await emulator.close();
    }
  });
});
