import { createServer, type AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { engineAddressFromArgs } from "../../provider/engine/engine-address";
import { engineProbeFromArgv } from "../../provider/engine/engine-liveness";
import {
  ABANDONED_MARGIN_MS,
  deploymentScope,
  isAbandoned,
  newReservationName,
  reservationLifetimeMs,
} from "../../provider/lifecycle/reservation";
import { RESERVATION_PREFIX } from "../../provider/definitions/rules";
import type { RepoApiKeyInputs } from "../../provider/definitions/repo-api-key";
import {
  ABANDONED_AGE_MS,
  everythingPrinted,
  keyIdsIn,
  plantReservation,
  providerFor,
  startTestEmulator,
  TEST_REPO,
  TEST_TOKEN,
} from "../helpers/emulator-provider";

/*
 * What stands between a killed deployment and an orphaned key (create-without-orphans.ts,
 * reservation-sweep.ts): keys are made under a reservation name and claimed only while the engine
 * listens; a reservation whose create is provably over, by Flashback's clock, is swept.
 */

const SCOPE = deploymentScope({ organization: "org", project: "proj", stack: "dev" });
const OTHER_SCOPE = deploymentScope({ organization: "org", project: "proj", stack: "prod" });
const inputs = (name: string, repoId = TEST_REPO): RepoApiKeyInputs => ({ repoId, name, accessType: "READ" });
const names = (repoId = TEST_REPO) =>
  emulator.store
    .list(repoId)
    .map((key) => key.name)
    .sort();

let emulator: RunningEmulator;
beforeEach(async () => {
  emulator = await startTestEmulator();
});
afterEach(() => emulator.close());

describe("reservation names", () => {
  it("are unique per attempt, carry the stack's scope and the create's lifetime, and nothing else parses as one", () => {
    const first = newReservationName(SCOPE, 300_000);
    expect(first).toMatch(new RegExp(`^${RESERVATION_PREFIX}${SCOPE}-[0-9a-f]{12}-300$`));
    expect(newReservationName(SCOPE, 300_000)).not.toBe(first);
    expect(reservationLifetimeMs(first)).toBe(300_000);
    expect(reservationLifetimeMs(newReservationName(SCOPE, 1))).toBe(1000);
    expect(reservationLifetimeMs(`${RESERVATION_PREFIX}${SCOPE}-0123456789ab`)).toBeUndefined();
    expect(reservationLifetimeMs("ci-reader")).toBeUndefined();
    expect(SCOPE).not.toBe(OTHER_SCOPE);
  });

  it("count as abandoned only once Flashback's clock puts them past their lifetime and the margin", () => {
    const name = newReservationName(SCOPE, 20_000);
    const createdAt = "2026-12-02T10:00:00.000Z";
    const at = (ms: number) => Date.parse(createdAt) + ms;
    expect(isAbandoned({ name, createdAt }, at(20_000 + ABANDONED_MARGIN_MS))).toBe(false);
    expect(isAbandoned({ name, createdAt }, at(20_000 + ABANDONED_MARGIN_MS + 1))).toBe(true);
    // No proof without Flashback's dates, and never for a key that is not a reservation.
    expect(isAbandoned({ name }, at(3_600_000))).toBe(false);
    expect(isAbandoned({ name, createdAt: "yesterday-ish" }, at(3_600_000))).toBe(false);
    expect(isAbandoned({ name, createdAt }, undefined)).toBe(false);
    expect(isAbandoned({ name: "ci-reader", createdAt }, at(3_600_000))).toBe(false);
  });
});

describe("the claim", () => {
  it("deletes the new key when the engine stopped listening before it could be handed over", async () => {
    const provider = providerFor(emulator, {}, { engineListening: async () => false });
    const error = await provider.create(inputs("late")).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /The Pulumi engine stopped before API key "late" could be handed to it, so the key Flashback made \(.+\) was deleted/,
    );
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
    expect(emulator.requests.map((request) => request.method)).toEqual(["POST", "DELETE"]);
  });

  it("deletes the new key when it cannot be renamed, and says why", async () => {
    emulator.faults.add({ fault: { kind: "status", status: 403, errorCode: "FORBIDDEN" }, method: "PUT" });
    const error = await providerFor(emulator)
      .create(inputs("unnamed"))
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/update API key .* answered 403/);
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
    expect(everythingPrinted(error)).not.toContain(TEST_TOKEN);
  });

  it("records the key as a partial resource when it can be neither renamed nor deleted", async () => {
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "PUT" });
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "DELETE" });
    // The dynamic host's init error must carry the serialized provider, or it could not replace the key later.
    const withStub = { ...inputs("stuck"), __provider: "the-serialized-stub" } as RepoApiKeyInputs;
    const error = (await providerFor(emulator)
      .create(withStub)
      .catch((caught: unknown) => caught)) as Error & { id?: string; properties?: Record<string, unknown> };
    const [left] = emulator.store.list(TEST_REPO);
    expect(error.id).toBe(left?.id);
    expect(error.properties).toMatchObject({ repoId: TEST_REPO, name: "stuck", secret: "", __provider: "the-serialized-stub" });
    expect(error.message).toMatch(/naming it "stuck" failed .* and deleting it failed too .* the next `pulumi up` replaces it/);
  });

  it("survives a claim whose answers are lost: the rename is retried, one key results", async () => {
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "PUT", times: 2 });
    const created = await providerFor(emulator).create(inputs("retried"));
    expect(emulator.store.list(TEST_REPO).map((key) => [key.id, key.name])).toEqual([[created.id, "retried"]]);
  });
});

describe("the sweep of abandoned reservations", () => {
  function plantLeftovers() {
    return {
      abandoned: plantReservation(emulator, { ageMs: ABANDONED_AGE_MS, scope: SCOPE }),
      otherStackAbandoned: plantReservation(emulator, { ageMs: ABANDONED_AGE_MS, scope: OTHER_SCOPE }),
      young: plantReservation(emulator, { ageMs: 1_000, lifetimeMs: 20_000, scope: SCOPE }),
      human: emulator.store.create(TEST_REPO, "ci-reader", "READ", { createdAt: new Date(Date.now() - ABANDONED_AGE_MS) }).stored.id,
    };
  }

  it("deletes the reservations whose create is over, whichever stack made them, before the first write, and nothing else", async () => {
    const planted = plantLeftovers();
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    const created = await provider.create(inputs("ci-reader"));
    expect(keyIdsIn(emulator)).toEqual([planted.young, planted.human, created.id].sort());
    expect(emulator.requests.slice(0, 3).map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /repo/${TEST_REPO}/apikey`,
      `DELETE /repo/${TEST_REPO}/apikey/${planted.abandoned}`,
      `DELETE /repo/${TEST_REPO}/apikey/${planted.otherStackAbandoned}`,
    ]);
  });

  it("lists each repository once per process, however many writes follow", async () => {
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    await Promise.all(["a", "b", "c"].map((name) => provider.create(inputs(name))));
    await provider.create(inputs("d", "repo-other"));
    const lists = emulator.requests.filter((request) => request.method === "GET").map((request) => request.path);
    expect(lists).toEqual([`/repo/${TEST_REPO}/apikey`, "/repo/repo-other/apikey"]);
    expect(names()).toEqual(["a", "b", "c"]);
  });

  it("runs before a delete too, so a destroy after an interruption leaves nothing abandoned", async () => {
    const planted = plantLeftovers();
    const kept = emulator.store.create(TEST_REPO, "kept", "READ");
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    await provider.delete(kept.stored.id, { ...inputs("kept"), key: kept.stored.key, secret: kept.secret });
    expect(keyIdsIn(emulator)).toEqual([planted.young, planted.human].sort());
  });

  it("never runs for a provider that serves no deployment (a tool, a test)", async () => {
    const planted = plantLeftovers();
    await providerFor(emulator).create(inputs("x"));
    expect(keyIdsIn(emulator)).toEqual(expect.arrayContaining(Object.values(planted)));
    expect(emulator.requests.some((request) => request.method === "GET")).toBe(false);
  });

  it("leaves every reservation alone where Flashback's answer carries no Date to judge its age by", async () => {
    const planted = plantLeftovers();
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    emulator.faults.omitDateHeader = true;
    await provider.create(inputs("x"));
    expect(keyIdsIn(emulator)).toEqual(expect.arrayContaining(Object.values(planted)));
  });

  it("does not fail the write when the listing fails, and tries again before the next write", async () => {
    const planted = plantLeftovers();
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "GET" });
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    await provider.create(inputs("first"));
    expect(emulator.store.get(TEST_REPO, planted.abandoned)).toBeDefined();
    await provider.create(inputs("second"));
    expect(emulator.store.get(TEST_REPO, planted.abandoned)).toBeUndefined();
  });

  it("a retried sweep spares the keys of creates that were in flight when it listed, claimed before its answer came", async () => {
    // The first sweep fails, so x, y and z go ahead and are held before their claims; "late" then
    // retries the sweep, whose listing shows their reservations but arrives after they were claimed.
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "GET" });
    emulator.faults.add({ fault: { kind: "delay-answer", ms: 800 }, method: "GET" });
    emulator.faults.add({ fault: { kind: "delay", ms: 300 }, method: "PUT", times: 3 });
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    const inFlight = Promise.all(["x", "y", "z"].map((name) => provider.create(inputs(name))));
    await vi.waitFor(() => expect(emulator.requests.filter((request) => request.method === "PUT")).toHaveLength(3));
    const late = await provider.create(inputs("late"));
    for (const key of [...(await inFlight), late]) {
      expect(emulator.store.get(TEST_REPO, key.id), "a key handed over is still in Flashback").toBeDefined();
    }
    expect(names()).toEqual(["late", "x", "y", "z"]);
  });
});

describe("the engine probe", () => {
  it("says alive while the address accepts connections, gone once it refuses, alive when there is no address", async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const probe = engineProbeFromArgv(["node", "provider.js", `127.0.0.1:${(server.address() as AddressInfo).port}`]);
    expect(await probe()).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await probe()).toBe(false);
    expect(await engineProbeFromArgv(["node", "script.js"])()).toBe(true);
    expect(await engineProbeFromArgv(["node", "script.js", "--logtostderr"])()).toBe(true);
  });

  it("finds the address behind the flags the engine puts first (--logflow -v=9, tracing), as Pulumi's own providers do", async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const argv = ["node", "provider.js", "--logtostderr", "-v=9", "--tracing", "file:///tmp/trace.json", address];
    expect(engineAddressFromArgs(argv.slice(2))).toBe(address);
    const probe = engineProbeFromArgv(argv);
    expect(await probe()).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await probe(), "a closed engine must be seen as gone, flags or not").toBe(false);
  });
});
