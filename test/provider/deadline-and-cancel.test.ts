import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../../provider/definitions/repo-api-key";
import { keyIdsIn, providerFor, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { stalledClock, virtualClock } from "../helpers/test-clocks";

/*
 * How long the provider keeps at an operation, and how it stops: one deadline for all of a create,
 * read, update or delete (flashback:operationTimeout), backoff on rate limits, and the engine's
 * Cancel. Waits run on an injected clock, so nothing here sleeps.
 */

const reader: RepoApiKeyInputs = { repoId: TEST_REPO, name: "ci-reader", accessType: "READ" };

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("operationTimeout bounds the whole operation", () => {
  it("a create's claim gets only what its POST left of the deadline, and the key it made is deleted", async () => {
    const { clock, sleeps } = virtualClock();
    emulator.faults.add({ fault: { kind: "status", status: 429, retryAfter: "6" }, method: "POST" });
    emulator.faults.add({ fault: { kind: "status", status: 429, retryAfter: "6" }, method: "PUT" });
    const provider = providerFor(emulator, { FLASHBACK_OPERATION_TIMEOUT: "10" }, { clock });
    const error = (await provider.create(reader).catch((caught: unknown) => caught)) as Error;
    // 6 s of the 10 went to the POST's wait; the claim's 6 s wait would pass the deadline.
    expect(sleeps).toEqual([6000]);
    expect(error.message).toMatch(/update API key .* answered 429/);
    expect(keyIdsIn(emulator), "the key that could not be claimed in time is deleted").toEqual([]);
  });

  it("a refresh gives up when its listing's retries would pass the deadline", async () => {
    const created = await providerFor(emulator).create(reader);
    const { clock, sleeps } = virtualClock();
    emulator.faults.add({ fault: { kind: "status", status: 503, retryAfter: "4" }, method: "GET", times: Infinity });
    const provider = providerFor(emulator, { FLASHBACK_OPERATION_TIMEOUT: "10" }, { clock });
    await expect(provider.read(created.id, created.outs as RepoApiKeyOutputs)).rejects.toThrow(/answered 503/);
    expect(sleeps).toEqual([4000, 4000]);
  });
});

describe("a 429 without Retry-After", () => {
  it("is retried after waits that double, not every quarter second until the deadline", async () => {
    const created = await providerFor(emulator).create(reader);
    const { clock, sleeps } = virtualClock();
    emulator.faults.add({ fault: { kind: "status", status: 429 }, method: "PUT", times: 5 });
    await providerFor(emulator, {}, { clock }).update(created.id, created.outs as RepoApiKeyOutputs, { ...reader, name: "renamed" });
    expect(sleeps).toEqual([125, 250, 500, 1000, 2000]);
    expect(emulator.store.get(TEST_REPO, created.id)?.name).toBe("renamed");
  });
});

describe("cancellation (the engine's Cancel, on Ctrl-C)", () => {
  it("ends a Retry-After wait at once and retries nothing", async () => {
    const created = await providerFor(emulator).create(reader);
    emulator.requests.length = 0;
    const { clock, waiting } = stalledClock();
    emulator.faults.add({ fault: { kind: "status", status: 429, retryAfter: "10" }, method: "PUT", times: Infinity });
    const provider = providerFor(emulator, {}, { clock });
    const updating = provider.update(created.id, created.outs as RepoApiKeyOutputs, { ...reader, name: "renamed" });
    await vi.waitFor(() => expect(waiting()).toBe(1));
    provider.lifecycle.cancel();
    await expect(updating).rejects.toThrow(
      /The deployment was cancelled, so the Flashback provider sends no new request: no retry after: .*429/,
    );
    expect(emulator.requests.filter((request) => request.method === "PUT")).toHaveLength(1);
  });

  it("ends the rate-limit pause other requests wait behind", async () => {
    const created = await providerFor(emulator).create(reader);
    const { clock, waiting } = stalledClock();
    emulator.faults.add({ fault: { kind: "status", status: 429, retryAfter: "10" }, method: "PUT" });
    const provider = providerFor(emulator, {}, { clock });
    const renaming = provider.update(created.id, created.outs as RepoApiKeyOutputs, { ...reader, name: "renamed" });
    await vi.waitFor(() => expect(waiting()).toBe(1));
    const deleting = provider.delete(created.id, created.outs as RepoApiKeyOutputs);
    await vi.waitFor(() => expect(waiting()).toBe(2));
    provider.lifecycle.cancel();
    await expect(renaming).rejects.toThrow(/cancelled/);
    await expect(deleting).rejects.toThrow(/cancelled/);
    expect(emulator.requests.filter((request) => request.method === "DELETE")).toHaveLength(0);
  });

  it("refuses new operations without a request, and lets a create in flight finish its claim: nothing half-made", async () => {
    emulator.faults.add({ fault: { kind: "delay", ms: 300 }, method: "POST" });
    const provider = providerFor(emulator, {}, { deploymentScope: "0123456789ab" });
    const creating = provider.create(reader);
    await vi.waitFor(() => expect(emulator.requests.filter((request) => request.method === "POST")).toHaveLength(1));
    provider.lifecycle.cancel();
    const created = await creating;
    expect(emulator.store.get(TEST_REPO, created.id)?.name).toBe("ci-reader");
    const requestsBefore = emulator.requests.length;
    await expect(provider.create({ ...reader, name: "after" })).rejects.toThrow(/cancelled/);
    await expect(provider.read(created.id, created.outs as RepoApiKeyOutputs)).rejects.toThrow(/cancelled/);
    expect(emulator.requests).toHaveLength(requestsBefore);
  });

  it("a lost create answer is still cleaned up, then no new attempt starts", async () => {
    const { clock } = stalledClock();
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST" });
    const provider = providerFor(emulator, {}, { clock });
    provider.lifecycle.cancel();
    // Cancelled before it began: refused. The same create begun before the cancel is the case below.
    await expect(provider.create(reader)).rejects.toThrow(/cancelled/);

    const inFlight = providerFor(emulator, {}, { clock });
    emulator.faults.add({ fault: { kind: "delay", ms: 300 }, method: "POST" });
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST" });
    const creating = inFlight.create(reader);
    await vi.waitFor(() => expect(emulator.requests.filter((request) => request.method === "POST")).toHaveLength(1));
    inFlight.lifecycle.cancel();
    await expect(creating).rejects.toThrow(/cancelled/);
    expect(keyIdsIn(emulator), "the key the lost answer made was found and deleted").toEqual([]);
    expect(emulator.requests.filter((request) => request.method === "POST")).toHaveLength(1);
  });
});
