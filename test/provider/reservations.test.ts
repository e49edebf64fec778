import { createServer, type AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { engineProbeFromArgv } from "../../provider/lifecycle/engine-liveness";
import { deploymentScope, isReservationOf, newReservationName, RESERVATION_PREFIX } from "../../provider/lifecycle/reservation";
import type { RepoApiKeyInputs } from "../../provider/types/resource";
import { everythingPrinted, providerFor, startTestEmulator, TEST_REPO, TEST_TOKEN, keyIdsIn } from "../helpers/emulator-provider";

/*
 * What stands between a killed deployment and an orphaned key (create-without-orphans.ts,
 * reservation-sweep.ts): keys are made under a reservation name and claimed only while the engine
 * listens; whatever an earlier process of the same stack left under its reservations is swept.
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
  it("are unique per attempt, carry the stack's scope, and are told apart from other stacks'", () => {
    const first = newReservationName(SCOPE);
    expect(first).toMatch(new RegExp(`^${RESERVATION_PREFIX}${SCOPE}-[0-9a-f]{12}$`));
    expect(newReservationName(SCOPE)).not.toBe(first);
    expect(isReservationOf(first, SCOPE)).toBe(true);
    expect(isReservationOf(first, OTHER_SCOPE)).toBe(false);
    expect(isReservationOf(`${RESERVATION_PREFIX}${SCOPE}`, SCOPE)).toBe(false);
    expect(SCOPE).not.toBe(OTHER_SCOPE);
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
    const error = (await providerFor(emulator)
      .create(inputs("stuck"))
      .catch((caught: unknown) => caught)) as Error & { id?: string; properties?: Record<string, unknown> };
    const [left] = emulator.store.list(TEST_REPO);
    expect(error.id).toBe(left?.id);
    expect(error.properties).toMatchObject({ repoId: TEST_REPO, name: "stuck", secret: "" });
    expect(error.message).toMatch(/naming it "stuck" failed .* and deleting it failed too .* the next `pulumi up` replaces it/);
  });

  it("survives a claim whose answers are lost: the rename is retried, one key results", async () => {
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "PUT", times: 2 });
    const created = await providerFor(emulator).create(inputs("retried"));
    expect(emulator.store.list(TEST_REPO).map((key) => [key.id, key.name])).toEqual([[created.id, "retried"]]);
  });
});

describe("the sweep of an interrupted deployment's reservations", () => {
  function plantLeftovers() {
    return {
      ours: emulator.store.create(TEST_REPO, newReservationName(SCOPE), "READ").stored.id,
      otherStack: emulator.store.create(TEST_REPO, newReservationName(OTHER_SCOPE), "READ").stored.id,
      human: emulator.store.create(TEST_REPO, "ci-reader", "READ").stored.id,
    };
  }

  it("deletes this stack's leftover reservations before the first write, and nothing else", async () => {
    const planted = plantLeftovers();
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    const created = await provider.create(inputs("ci-reader"));
    const ids = keyIdsIn(emulator);
    expect(ids).not.toContain(planted.ours);
    expect(ids).toEqual([planted.otherStack, planted.human, created.id].sort());
    expect(emulator.requests.slice(0, 2).map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /repo/${TEST_REPO}/apikey`,
      `DELETE /repo/${TEST_REPO}/apikey/${planted.ours}`,
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

  it("runs before a delete too, so a destroy after an interruption leaves nothing", async () => {
    const planted = plantLeftovers();
    const kept = emulator.store.create(TEST_REPO, "kept", "READ");
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    await provider.delete(kept.stored.id, { ...inputs("kept"), key: kept.stored.key, secret: kept.secret });
    expect(keyIdsIn(emulator)).toEqual([planted.otherStack, planted.human].sort());
  });

  it("never runs for a provider that does not know its stack", async () => {
    const planted = plantLeftovers();
    await providerFor(emulator).create(inputs("x"));
    expect(keyIdsIn(emulator)).toEqual(expect.arrayContaining(Object.values(planted)));
    expect(emulator.requests.some((request) => request.method === "GET")).toBe(false);
  });

  it("does not fail the write when the listing fails, and tries again before the next write", async () => {
    const planted = plantLeftovers();
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "GET" });
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    await provider.create(inputs("first"));
    expect(emulator.store.get(TEST_REPO, planted.ours)).toBeDefined();
    await provider.create(inputs("second"));
    expect(emulator.store.get(TEST_REPO, planted.ours)).toBeUndefined();
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
    expect(await engineProbeFromArgv(["node", "script.js", "--flag"])()).toBe(true);
  });
});
