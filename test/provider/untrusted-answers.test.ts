import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { createGotTransport, type HttpTransport } from "../../provider/client/http-transport";
import type { Clock } from "../../provider/client/clock";
import { deploymentScope, newReservationName } from "../../provider/lifecycle/reservation";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../../provider/definitions/repo-api-key";
import { keyIdsIn, lifecycleFor, plantReservation, providerFor, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";

/*
 * What the protocol must not take on trust: names a user or the console gives that look like
 * reservations, dates Flashback writes without a zone, a clock that stopped while the machine
 * slept, and answers that arrive late. Each case here once could delete a key a state holds or
 * leave one that no state holds.
 */

const SCOPE = deploymentScope({ organization: "org", project: "proj", stack: "dev" });
const reader: RepoApiKeyInputs = { repoId: TEST_REPO, name: "ci-reader", accessType: "READ" };

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("names shaped like reservations", () => {
  const reservationShaped = newReservationName("0123456789ab", 300_000);

  it("are refused by check, naming the field", () => {
    const { failures } = lifecycleFor(emulator).check({ ...reader, name: reservationShaped });
    expect(failures).toEqual([{ property: "name", reason: expect.stringMatching(/^name must not start with "pulumi-pending-"/) }]);
    expect(
      lifecycleFor(emulator).check({ ...reader, name: ` ${reservationShaped}` }).failures,
      "behind whitespace Flashback may trim",
    ).toHaveLength(1);
    expect(lifecycleFor(emulator).check({ ...reader, name: "pulumi-pending" }).failures).toEqual([]);
  });

  it("are refused by import, and never handed to a state by refresh", async () => {
    const planted = emulator.store.create(TEST_REPO, reservationShaped, "READ").stored.id;
    await expect(lifecycleFor(emulator).importKey(`${TEST_REPO}/${planted}`)).rejects.toThrow(/reservation .* cannot be imported/);

    const provider = providerFor(emulator);
    const { id, outs } = await provider.create(reader);
    emulator.store.update(TEST_REPO, id, { name: reservationShaped, accessType: "READ" });
    await expect(provider.read(id, outs as RepoApiKeyOutputs)).rejects.toThrow(
      /named "pulumi-pending-.*rename it in Flashback's console to the name this stack declares/,
    );
  });
});

describe("a list the provider cannot read whole", () => {
  it("fails, naming the entry, instead of taking an unreadable key for gone on refresh or destroy", async () => {
    const provider = providerFor(emulator);
    const { id, outs } = await provider.create(reader);
    const garbled: HttpTransport = async (request) => {
      const result = await createGotTransport({ baseUrl: `${emulator.url}/`, timeoutMs: 30_000, maxSockets: 8 })(request);
      if (request.method !== "GET" || result.kind !== "response") return result;
      const body = JSON.parse(result.text) as { keys: Array<Record<string, unknown>> };
      return { ...result, text: JSON.stringify({ ...body, keys: body.keys.map((key) => ({ ...key, name: null })) }) };
    };
    const reading = providerFor(emulator, {}, { transport: garbled });
    await expect(reading.read(id, outs as RepoApiKeyOutputs)).rejects.toThrow(
      /Entry 0 of the answer's `keys` lacks a string id, name or accessType/,
    );
    emulator.faults.add({ fault: { kind: "status", status: 404, errorCode: "APIKEY_NOT_FOUND" }, method: "DELETE" });
    await expect(reading.delete(id, outs as RepoApiKeyOutputs)).rejects.toThrow(/Entry 0/);
    expect(keyIdsIn(emulator)).toEqual([id]);
  });
});

describe("duplicate names", () => {
  it("where Flashback refuses them, the rename fails with a hint and the reserved key is deleted; where it accepts them, both keys live", async () => {
    const provider = providerFor(emulator);
    const first = await provider.create(reader);
    emulator.faults.refuseDuplicateNames = true;
    await expect(provider.create(reader)).rejects.toThrow(/answered 409 .*refuses two keys of one name in a repository/);
    expect(keyIdsIn(emulator), "no reservation left behind").toEqual([first.id]);
    emulator.faults.refuseDuplicateNames = false;
    const second = await provider.create(reader);
    expect(keyIdsIn(emulator)).toEqual([first.id, second.id].sort());
  });
});

describe("Flashback's clock", () => {
  const timeZone = process.env.TZ;
  afterEach(() => {
    if (timeZone === undefined) delete process.env.TZ;
    else process.env.TZ = timeZone;
  });

  it("a createdAt without a zone proves nothing, east of UTC too: the reservation is kept, with one warning", async () => {
    process.env.TZ = "Asia/Tokyo";
    emulator.faults.createdAtShape = "zoneless";
    const young = plantReservation(emulator, { ageMs: 2_000 });
    const old = plantReservation(emulator, { ageMs: 3_600_000 });
    const warnings: string[] = [];
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE, warn: (message) => warnings.push(message) });
    await provider.create(reader);
    await provider.create({ ...reader, name: "second" });
    expect(keyIdsIn(emulator)).toEqual(expect.arrayContaining([young, old]));
    expect(warnings).toEqual([expect.stringMatching(/`createdAt` without a time zone .* cannot be swept while Flashback answers so/)]);
  });

  it("a createdAt with an offset, or with Z, proves the age", async () => {
    for (const shape of ["offset", "utc"] as const) {
      emulator.reset();
      emulator.faults.createdAtShape = shape;
      const young = plantReservation(emulator, { ageMs: 2_000 });
      const old = plantReservation(emulator, { ageMs: 3_600_000 });
      await providerFor(emulator, {}, { deploymentScope: SCOPE }).create(reader);
      expect(keyIdsIn(emulator), shape).toContain(young);
      expect(keyIdsIn(emulator), shape).not.toContain(old);
    }
  });

  it("without a Date header nothing is swept, with one warning", async () => {
    emulator.faults.omitDateHeader = true;
    const old = plantReservation(emulator, { ageMs: 3_600_000 });
    const warnings: string[] = [];
    await providerFor(emulator, {}, { deploymentScope: SCOPE, warn: (message) => warnings.push(message) }).create(reader);
    expect(keyIdsIn(emulator)).toContain(old);
    expect(warnings).toEqual([expect.stringMatching(/no HTTP `Date` header/)]);
  });
});

describe("a claim is handed over only within the reservation's lifetime by every clock", () => {
  /** The got transport to the emulator, with a hook after each answer. */
  function transportWith(afterAnswer: (method: string) => void): HttpTransport {
    const got = createGotTransport({ baseUrl: `${emulator.url}/`, timeoutMs: 30_000, maxSockets: 8 });
    return async (request) => {
      const result = await got(request);
      afterAnswer(request.method);
      return result;
    };
  }

  it.each([
    ["the monotonic clock passed the deadline", { monotonic: 3_600_000, wall: 0 }],
    ["the machine slept: the monotonic clock stood still, the wall clock did not", { monotonic: 0, wall: 3_600_000 }],
  ])("a rename answered when %s deletes the key, and the error names the setting", async (_case, jump) => {
    const jumped = { monotonic: 0, wall: 0 };
    const clock: Clock = {
      now: () => Date.now() + jumped.wall,
      monotonic: () => performance.now() + jumped.monotonic,
      sleep: async () => undefined,
    };
    const transport = transportWith((method) => {
      if (method === "PUT") Object.assign(jumped, jump);
    });
    const error = await lifecycleFor(emulator, {}, { clock, transport })
      .create({ ...reader })
      .catch((caught: unknown) => caught as Error);
    expect((error as Error).message).toMatch(/ran out of its time \(flashback:operationTimeout.* before Flashback answered its rename/);
    expect(keyIdsIn(emulator), "the key that could not be claimed in time is deleted").toEqual([]);
  });

  it("a rename whose Date is past the lifetime after the create's Date deletes the key, whatever this machine's clocks say", async () => {
    const transport = transportWith((method) => {
      if (method === "POST") emulator.faults.clockOffsetMs = 3_600_000;
    });
    const error = await lifecycleFor(emulator, {}, { transport })
      .create({ ...reader })
      .catch((caught: unknown) => caught as Error);
    expect((error as Error).message).toMatch(/ran out of its time .* before Flashback answered its rename/);
    expect(keyIdsIn(emulator)).toEqual([]);
  });

  it("a rename answered within the lifetime by every clock is handed over", async () => {
    emulator.faults.clockOffsetMs = 3_600_000;
    const created = await lifecycleFor(emulator).create({ ...reader });
    expect(keyIdsIn(emulator)).toEqual([created.id]);
  });
});

describe("deadlines and the sweep", () => {
  it("no request runs past its operation's deadline, whatever requestTimeout allows", async () => {
    emulator.faults.add({ fault: { kind: "delay", ms: 2_000 }, method: "PUT" });
    const provider = providerFor(emulator, { FLASHBACK_OPERATION_TIMEOUT: "0.3", FLASHBACK_REQUEST_TIMEOUT: "30" });
    const error = (await provider.create(reader).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/update API key .* got no answer \(ETIMEDOUT\)/);
    expect(keyIdsIn(emulator), "the key whose rename timed out is deleted").toEqual([]);
  });

  it("an update's deadline starts after the sweep it waited for", async () => {
    const { id, outs } = await providerFor(emulator).create(reader);
    emulator.faults.add({ fault: { kind: "delay", ms: 500 }, method: "GET" });
    emulator.faults.add({ fault: { kind: "status", status: 503 }, method: "PUT" });
    const provider = providerFor(emulator, { FLASHBACK_OPERATION_TIMEOUT: "0.4" }, { deploymentScope: SCOPE });
    const updated = await provider.update(id, outs as RepoApiKeyOutputs, { ...reader, name: "renamed" });
    expect(updated.outs?.name).toBe("renamed");
  });

  it("a request that waited for a slot past its operation's deadline is not sent", async () => {
    const [first, second] = [await providerFor(emulator).create(reader), await providerFor(emulator).create({ ...reader, name: "second" })];
    const provider = providerFor(emulator, { FLASHBACK_OPERATION_TIMEOUT: "0.5", FLASHBACK_MAX_CONCURRENCY: "1" });
    emulator.faults.add({ fault: { kind: "delay", ms: 1_500 }, method: "PUT" });
    const updates = await Promise.allSettled([
      provider.update(first.id, first.outs as RepoApiKeyOutputs, { ...reader, name: "one" }),
      provider.update(second.id, second.outs as RepoApiKeyOutputs, { ...reader, name: "two" }),
    ]);
    expect(updates.map((update) => update.status)).toEqual(["rejected", "rejected"]);
    expect(String((updates[1] as PromiseRejectedResult).reason)).toMatch(/ran out while the request waited for a free slot .* not sent/);
    expect(emulator.store.get(TEST_REPO, second.id)?.name, "the second rename never reached Flashback").toBe("second");
  });

  it("a failed sweep warns once, and the writes go on", async () => {
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "GET", times: 2 });
    const warnings: string[] = [];
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE, warn: (message) => warnings.push(message) });
    await provider.create(reader);
    await provider.create({ ...reader, name: "second" });
    expect(keyIdsIn(emulator)).toHaveLength(2);
    expect(warnings).toEqual([
      expect.stringMatching(/^Could not look for keys that interrupted deployments left in repository "repo-test" .*403/),
    ]);
  });
});

describe("configure", () => {
  it("keeps the client, its gate and its renewed token, while the settings stay the same", async () => {
    const refreshing = await startTestEmulator({ accessTokens: [], refreshTokens: ["rt-1"] });
    try {
      const lifecycle = lifecycleFor(refreshing, { FLASHBACK_ACCESS_TOKEN: "", FLASHBACK_REFRESH_TOKEN: "rt-1" });
      for (const name of ["a", "b", "c"]) {
        lifecycle.configure();
        await lifecycle.create({ ...reader, name });
      }
      expect(refreshing.requests.filter((request) => request.path === "/user/refresh")).toHaveLength(1);
    } finally {
      await refreshing.close();
    }
  });
});
