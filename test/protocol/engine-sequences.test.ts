import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TYPE } from "../../provider/testing";
import { ProviderProcess, type ProviderCallError } from "../../testkit/engine/provider-process";
import { UNKNOWN, type Props } from "../../testkit/engine/pulumi-internals";
import { everythingPrinted, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { engineFor } from "../helpers/example-engine";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * The engine's call sequences, replayed against the real dynamic-provider process over gRPC. The
 * `__provider` is the one Pulumi's serializer produced for the example program.
 */

const URN = `urn:pulumi:test::flashback-test::${REPO_API_KEY_TYPE}::reader`;
let emulator: RunningEmulator;
let serializedProvider: string;
let provider: ProviderProcess;

beforeAll(async () => {
  emulator = await startTestEmulator();
  const preview = await engineFor(emulator).preview();
  serializedProvider = preview.registrations.find((registration) => registration.custom)?.object.__provider as string;
});
afterAll(() => emulator.close());

beforeEach(async () => {
  emulator.reset();
  provider = await ProviderProcess.start({ cwd: REPO_ROOT, env: { FLASHBACK_OPERATION_TIMEOUT: "5" } });
  await provider.configure({ "flashback:apiUrl": emulator.url, "flashback:accessToken": TEST_TOKEN }, ["flashback:accessToken"]);
});
afterEach(() => provider.stop());

const inputs = (overrides: Props = {}): Props => ({
  repoId: TEST_REPO,
  name: "reader",
  accessType: "READ",
  __provider: serializedProvider,
  ...overrides,
});

async function up(news: Props = inputs()): Promise<{ id: string; properties: Props }> {
  const checked = await provider.check(URN, {}, news);
  return provider.create(URN, checked.inputs);
}

describe("preview of a new key", () => {
  it("checks inputs with unknown values, and sends nothing to Flashback", async () => {
    const checked = await provider.check(URN, {}, inputs({ repoId: UNKNOWN, name: UNKNOWN }));
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ repoId: UNKNOWN, name: UNKNOWN, accessType: "READ" });
    expect(emulator.requests).toHaveLength(0);
  });

  it("reports bad inputs as check failures naming the field", async () => {
    const checked = await provider.check(URN, {}, inputs({ accessType: "read" }));
    expect(checked.failures).toEqual([{ property: "accessType", reason: 'accessType must be one of READ, WRITE, ADMIN; got "read"' }]);
    expect(emulator.requests).toHaveLength(0);
  });

  it("names every missing field, instead of failing to serialize its undefined value", async () => {
    // A program's `config.get("repo")` of an unset key: the SDK drops the field, so Check sees none.
    const { repoId: _repoId, name: _name, accessType: _accessType, ...onlyProvider } = inputs();
    const checked = await provider.check(URN, {}, onlyProvider);
    expect(checked.failures.map((failure) => failure.property)).toEqual(["repoId", "name", "accessType"]);
    expect(checked.failures[0]?.reason).toBe("repoId is required: give a non-empty string");
    expect(emulator.requests).toHaveLength(0);
  });
});

describe("up", () => {
  it("check then create returns Flashback's id and the outputs, __provider kept", async () => {
    const created = await up();
    const stored = emulator.store.get(TEST_REPO, created.id);
    expect(created.properties).toMatchObject({
      repoId: TEST_REPO,
      name: "reader",
      accessType: "READ",
      key: stored?.key,
      __provider: serializedProvider,
    });
    expect(typeof created.properties.secret).toBe("string");
  });

  it("a rename is an update in place that carries the secret over", async () => {
    const created = await up();
    const news = (await provider.check(URN, inputs(), inputs({ name: "renamed" }))).inputs;
    const diff = await provider.diff(URN, created.id, created.properties, news);
    // "Unknown" with nothing to replace: the engine diffs the inputs itself, naming `name`, so a replaceOnChanges can apply.
    expect(diff).toEqual({ changes: undefined, replaces: [], deleteBeforeReplace: false });
    const updated = await provider.update(URN, created.id, created.properties, news);
    expect(updated.properties).toMatchObject({ name: "renamed", secret: created.properties.secret, key: created.properties.key });
    expect(emulator.store.get(TEST_REPO, created.id)?.name).toBe("renamed");
  });

  it("a new repoId asks for a replacement: the new key is created, then the old one deleted", async () => {
    const old = await up();
    const news = (await provider.check(URN, inputs(), inputs({ repoId: "repo-other" }))).inputs;
    const diff = await provider.diff(URN, old.id, old.properties, news);
    expect(diff.replaces).toEqual(["repoId"]);
    expect(diff.deleteBeforeReplace).toBe(false);
    const replacement = await provider.create(URN, news);
    expect(emulator.store.list("repo-other").map((key) => key.id)).toEqual([replacement.id]);
    expect(emulator.store.get(TEST_REPO, old.id)).toBeDefined();
    await provider.delete(URN, old.id, old.properties);
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
    // Each repository is swept once, before its first write; each create is a reservation and its claim.
    expect(emulator.requests.map((request) => request.method)).toEqual(["GET", "POST", "PUT", "GET", "POST", "PUT", "DELETE"]);
  });

  it("an unchanged key diffs to no change", async () => {
    const created = await up();
    expect((await provider.diff(URN, created.id, created.properties, inputs())).changes).toBe(false);
  });
});

describe("refresh", () => {
  it("picks up drift", async () => {
    const created = await up();
    emulator.store.update(TEST_REPO, created.id, { name: "edited-in-console", accessType: "ADMIN" });
    const read = await provider.read(URN, created.id, created.properties);
    expect(read.id).toBe(created.id);
    expect(read.properties).toMatchObject({
      name: "edited-in-console",
      accessType: "ADMIN",
      secret: created.properties.secret,
      __provider: serializedProvider,
    });
    // The inputs too, so that the next up diffs against what Flashback has (and an ignoreChanges keeps it).
    expect(read.inputs).toEqual({ repoId: TEST_REPO, name: "edited-in-console", accessType: "ADMIN", __provider: serializedProvider });
  });

  it("gives an empty id for a key deleted out of band", async () => {
    const created = await up();
    emulator.store.delete(TEST_REPO, created.id);
    expect((await provider.read(URN, created.id, created.properties)).id).toBe("");
  });
});

describe("destroy", () => {
  it("deletes the key, and succeeds for a key already gone", async () => {
    const created = await up();
    await provider.delete(URN, created.id, created.properties);
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
    await expect(provider.delete(URN, created.id, created.properties)).resolves.toBeUndefined();
  });
});

describe("failures reach the engine as readable gRPC errors without the token", () => {
  it.each([
    { status: 401, setup: () => emulator.faults.add({ fault: { kind: "status", status: 401 }, times: 5 }), expected: /answered 401/ },
    {
      status: 403,
      setup: () => undefined,
      news: { repoId: "repo-forbidden" },
      expected: /answered 403 Forbidden: INSUFFICIENT_PERMISSIONS/,
    },
    {
      status: 404,
      setup: () => undefined,
      news: { repoId: "repo-missing" },
      expected: /\(repository "repo-missing"\) failed: .*answered 404 Not Found: REPO_NOT_FOUND/,
    },
    {
      status: 500,
      setup: () => emulator.faults.add({ fault: { kind: "status", status: 500 }, method: "POST", times: 10 }),
      expected: /answered 500 Internal Server Error.*no key was left behind/,
    },
  ])("$status", async ({ setup, news, expected }) => {
    setup();
    const error = await up(inputs(news)).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(expected);
    expect(everythingPrinted(error)).not.toContain(TEST_TOKEN);
    expect(provider.stderr).not.toContain(TEST_TOKEN);
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
  });
});

describe("what the provider process prints", () => {
  it("holds no token, key or secret when refresh and destroy fail", async () => {
    const created = await up();
    emulator.faults.add({ fault: { kind: "status", status: 500 }, times: Infinity });
    const errors = await Promise.all([
      provider.read(URN, created.id, created.properties).catch((error: unknown) => error),
      provider.delete(URN, created.id, created.properties).catch((error: unknown) => error),
    ]);
    const printed = [provider.stderr, ...errors.map((error) => everythingPrinted(error))].join("\n");
    expect(printed).toMatch(/answered 500/);
    for (const secret of [TEST_TOKEN, created.properties.key as string, created.properties.secret as string]) {
      expect(printed).not.toContain(secret);
    }
  });
});

describe("a key Flashback made but could not be used nor deleted", () => {
  it("is recorded as a partial resource (init error) carrying __provider, replaced by the next up and deletable", async () => {
    emulator.faults.add({ fault: { kind: "missing-fields" }, method: "POST" });
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "DELETE" });
    const error = (await up().catch((caught: unknown) => caught)) as ProviderCallError;
    expect(error.message).toMatch(/answer lacked secret; deleting that unusable key failed too/);
    const [stored] = emulator.store.list(TEST_REPO);
    expect(error.initFailure?.id).toBe(stored?.id);
    expect(error.initFailure?.properties).toMatchObject({ repoId: TEST_REPO, name: "reader", secret: "", __provider: serializedProvider });

    const partial = error.initFailure as NonNullable<ProviderCallError["initFailure"]>;
    const diff = await provider.diff(URN, partial.id, partial.properties, (await provider.check(URN, {}, inputs())).inputs);
    expect(diff.replaces).toEqual(["secret"]);
    await provider.delete(URN, partial.id, partial.properties);
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
  });
});
