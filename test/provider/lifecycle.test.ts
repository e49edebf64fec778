import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../../provider/definitions/repo-api-key";
import { everythingPrinted, lifecycleFor, providerFor, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const reader: RepoApiKeyInputs = { repoId: TEST_REPO, name: "ci-reader", accessType: "READ" };

async function createReader(): Promise<{ id: string; outs: RepoApiKeyOutputs }> {
  const created = await providerFor(emulator).create(reader);
  return { id: created.id, outs: created.outs as RepoApiKeyOutputs };
}

describe("create", () => {
  it("posts the key under a reservation name, renames it to its name, and returns Flashback's id, key and secret", async () => {
    const { id, outs } = await createReader();
    const stored = emulator.store.get(TEST_REPO, id);
    expect(stored?.name).toBe("ci-reader");
    expect(outs).toMatchObject({ repoId: TEST_REPO, name: "ci-reader", accessType: "READ", key: stored?.key });
    expect(outs.secret.length).toBeGreaterThan(20);
    expect(emulator.requests.map((request) => [request.method, request.path, request.body])).toEqual([
      [
        "POST",
        `/repo/${TEST_REPO}/apikey`,
        // The name carries the create's lifetime: the operation timeout of `providerFor`, 20 s.
        { name: expect.stringMatching(/^pulumi-pending-[0-9a-f]{12}-[0-9a-f]{12}-20$/), accessType: "READ" },
      ],
      ["PUT", `/repo/${TEST_REPO}/apikey/${id}`, { name: "ci-reader", accessType: "READ" }],
    ]);
  });

  it("encodes ids in the path", async () => {
    emulator.store.addRepo("repo%ü:1");
    const { id } = await providerFor(emulator).create({ ...reader, repoId: "repo%ü:1" });
    expect(emulator.requests[0]?.path).toBe("/repo/repo%25%C3%BC%3A1/apikey");
    expect(emulator.store.get("repo%ü:1", id)).toBeDefined();
  });

  it.each([
    { name: "lowercase accessType", inputs: { ...reader, accessType: "read" } },
    { name: "repoId with a slash", inputs: { ...reader, repoId: "a/b" } },
    { name: "empty name", inputs: { ...reader, name: "" } },
  ])("refuses $name without sending a request", async ({ inputs }) => {
    await expect(providerFor(emulator).create(inputs as RepoApiKeyInputs)).rejects.toThrow("Invalid RepoApiKey inputs");
    expect(emulator.requests).toHaveLength(0);
  });

  it("fails clearly without a token, naming both ways to set it", async () => {
    const provider = providerFor(emulator, { FLASHBACK_ACCESS_TOKEN: "" });
    await expect(provider.create(reader)).rejects.toThrow(/flashback:accessToken.*FLASHBACK_ACCESS_TOKEN/);
    expect(emulator.requests).toHaveLength(0);
  });

  it("reads the token from the stack config given to configure, over the environment", async () => {
    const provider = providerFor(emulator, { FLASHBACK_ACCESS_TOKEN: "wrong-token" });
    await provider.configure({ config: { get: (key: string) => (key === "flashback:accessToken" ? TEST_TOKEN : undefined) } } as never);
    await expect(provider.create(reader)).resolves.toMatchObject({ outs: { name: "ci-reader" } });
  });
});

describe("update", () => {
  it("puts both fields and carries key and secret over", async () => {
    const { id, outs } = await createReader();
    const result = await providerFor(emulator).update(id, outs, { ...reader, name: "renamed", accessType: "WRITE" });
    expect(result.outs).toEqual({ ...outs, name: "renamed", accessType: "WRITE" });
    expect(emulator.store.get(TEST_REPO, id)).toMatchObject({ name: "renamed", accessType: "WRITE" });
    expect(emulator.requests.at(-1)).toMatchObject({
      method: "PUT",
      path: `/repo/${TEST_REPO}/apikey/${id}`,
      body: { name: "renamed", accessType: "WRITE" },
    });
  });
});

describe("read", () => {
  it("keeps the outputs when nothing changed", async () => {
    const { id, outs } = await createReader();
    expect(await providerFor(emulator).read(id, outs)).toEqual({
      id,
      props: outs,
      inputs: { repoId: outs.repoId, name: outs.name, accessType: outs.accessType },
    });
  });

  it("picks up drift of name and access type, keeping the secret from the state", async () => {
    const { id, outs } = await createReader();
    emulator.store.update(TEST_REPO, id, { name: "changed-in-console", accessType: "ADMIN" });
    const result = await providerFor(emulator).read(id, outs);
    expect(result.props).toEqual({ ...outs, name: "changed-in-console", accessType: "ADMIN" });
    expect(result.inputs).toEqual({ repoId: TEST_REPO, name: "changed-in-console", accessType: "ADMIN" });
  });

  it("returns an empty id for a key deleted out of band", async () => {
    const { id, outs } = await createReader();
    emulator.store.delete(TEST_REPO, id);
    expect((await providerFor(emulator).read(id, outs)).id).toBe("");
  });

  it("fails, naming the repository and what to run, when the repository answers 404; drops the key once goneRepositories confirms it", async () => {
    const { id, outs } = await createReader();
    emulator.store.removeRepo(TEST_REPO);
    await expect(providerFor(emulator).read(id, outs)).rejects.toThrow(
      `answers 404 for repository "${TEST_REPO}" while refreshing key "${id}"`,
    );
    await expect(providerFor(emulator).read(id, outs)).rejects.toThrow(`pulumi config set flashback:goneRepositories ${TEST_REPO}`);
    const warnings: string[] = [];
    const confirmed = providerFor(
      emulator,
      { FLASHBACK_GONE_REPOSITORIES: `other, ${TEST_REPO}` },
      { warn: (message) => warnings.push(message) },
    );
    expect((await confirmed.read(id, outs)).id).toBe("");
    expect(warnings).toEqual([expect.stringMatching(`Repository "${TEST_REPO}" answers 404 .* its keys leave the state`)]);
  });
});

describe("read of many keys", () => {
  it("shares one listing of the repository between the reads of a refresh", async () => {
    const provider = providerFor(emulator);
    const created = await Promise.all(["a", "b", "c", "d", "e"].map((name) => provider.create({ ...reader, name })));
    emulator.requests.length = 0;
    const reads = await Promise.all(created.map((key) => provider.read(key.id, key.outs as RepoApiKeyOutputs)));
    expect(reads.map((read) => read.id)).toEqual(created.map((key) => key.id));
    expect(emulator.requests.map((request) => request.method)).toEqual(["GET"]);
  });

  it("never answers a read from a listing older than this process's own write", async () => {
    const provider = providerFor(emulator);
    const { id, outs } = await provider.create(reader);
    await provider.read(id, outs as RepoApiKeyOutputs);
    const updated = await provider.update(id, outs as RepoApiKeyOutputs, { ...reader, name: "renamed" });
    expect((await provider.read(id, updated.outs as RepoApiKeyOutputs)).props?.name).toBe("renamed");
    await provider.delete(id, updated.outs as RepoApiKeyOutputs);
    expect((await provider.read(id, updated.outs as RepoApiKeyOutputs)).id).toBe("");
  });
});

describe("delete", () => {
  it("deletes the key", async () => {
    const { id, outs } = await createReader();
    await providerFor(emulator).delete(id, outs);
    expect(emulator.store.get(TEST_REPO, id)).toBeUndefined();
  });

  it("treats a key that is already gone (404) as deleted once a listing of its repository proves it", async () => {
    const { id, outs } = await createReader();
    emulator.store.delete(TEST_REPO, id);
    emulator.requests.length = 0;
    await expect(providerFor(emulator).delete(id, outs)).resolves.toBeUndefined();
    expect(emulator.requests.map((request) => `${request.method} ${request.status}`)).toEqual(["DELETE 404", "GET 200"]);
  });

  it("does not count a key as deleted when its repository answers 404, unless goneRepositories confirms it, with a warning", async () => {
    const { id, outs } = await createReader();
    emulator.refuseRepo(TEST_REPO, 404);
    await expect(providerFor(emulator).delete(id, outs)).rejects.toThrow(
      `answers 404 for repository "${TEST_REPO}" while deleting key "${id}"`,
    );
    const warnings: string[] = [];
    const confirmed = providerFor(emulator, { FLASHBACK_GONE_REPOSITORIES: TEST_REPO }, { warn: (message) => warnings.push(message) });
    await expect(confirmed.delete(id, outs)).resolves.toBeUndefined();
    await expect(confirmed.delete(id, outs)).resolves.toBeUndefined();
    emulator.refuseRepo(TEST_REPO, undefined);
    expect(warnings, "one warning per repository").toEqual([
      expect.stringMatching(`Repository "${TEST_REPO}" answers 404 .* count as deleted`),
    ]);
    expect(emulator.store.get(TEST_REPO, id), "the key is still there: the repository was only hidden").toBeDefined();
  });

  it("takes the repositories confirmed gone from the stack config and the environment together", async () => {
    const { id, outs } = await createReader();
    emulator.refuseRepo(TEST_REPO, 404);
    const lifecycle = lifecycleFor(emulator, { FLASHBACK_GONE_REPOSITORIES: TEST_REPO });
    lifecycle.configure({ get: (key) => (key === "flashback:goneRepositories" ? "an-older-repo" : undefined) });
    await expect(lifecycle.delete(id, outs as unknown as Record<string, unknown>)).resolves.toBeUndefined();
    emulator.refuseRepo(TEST_REPO, undefined);
  });

  it("does not count a key as deleted when Flashback answers 404 to its delete but still lists it", async () => {
    const { id, outs } = await createReader();
    emulator.faults.add({ fault: { kind: "status", status: 404, errorCode: "APIKEY_NOT_FOUND" }, method: "DELETE" });
    await expect(providerFor(emulator).delete(id, outs)).rejects.toThrow(/answered 404 to deleting API key .* but still lists it/);
    expect(emulator.store.get(TEST_REPO, id)).toBeDefined();
  });
});

describe("stored properties without a repository", () => {
  it.each([
    ["read", (id: string) => providerFor(emulator).lifecycle.read(id, {})],
    ["update", (id: string) => providerFor(emulator).lifecycle.update(id, { name: "x" }, reader as unknown as Record<string, unknown>)],
    ["delete", (id: string) => providerFor(emulator).lifecycle.delete(id, { repoId: "" })],
  ])("refuses to %s a key, naming repoId, and sends nothing", async (operation, call) => {
    await expect(call("k-1")).rejects.toThrow(`repoId is required to ${operation} key "k-1", and its stored properties have none`);
    expect(emulator.requests).toEqual([]);
  });

  it("a Read given only a key id (what exists() sends) says how to name its repository, and sends nothing", async () => {
    await expect(providerFor(emulator).read("k-1")).rejects.toThrow(
      /key id "k-1" alone does not say which repository holds it: give it as <repoId>\/<keyId>/,
    );
    expect(emulator.requests).toEqual([]);
  });
});

describe("errors from Flashback", () => {
  it.each([
    {
      name: "401 for a bad token",
      provider: () => providerFor(emulator, { FLASHBACK_ACCESS_TOKEN: "tok-WRONG-but-still-secret" }),
      inputs: reader,
      expected:
        /create API key "ci-reader" \(repository "repo-test"\) failed: POST \/repo\/\{repoId\}\/apikey answered 401 Unauthorized: NO_AUTH_USER .*pulumi config set --secret flashback:accessToken/,
    },
    {
      name: "403 for a forbidden repository",
      provider: () => providerFor(emulator),
      inputs: { ...reader, repoId: "repo-forbidden" },
      expected: /answered 403 Forbidden: INSUFFICIENT_PERMISSIONS .*lacks permission/,
    },
    {
      name: "404 for an unknown repository",
      provider: () => providerFor(emulator),
      inputs: { ...reader, repoId: "repo-unknown" },
      expected: /\(repository "repo-unknown"\) failed: .* answered 404 Not Found: REPO_NOT_FOUND "Repository not found"/,
    },
  ])("$name is one readable message without the token", async ({ provider, inputs, expected }) => {
    const error = await provider()
      .create(inputs)
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(expected);
    const printed = everythingPrinted(error);
    expect(printed).not.toContain(TEST_TOKEN);
    expect(printed).not.toContain("tok-WRONG-but-still-secret");
  });

  it.each(["read", "delete"] as const)("%s does not take a 404 for the token's user as proof that the key is gone", async (operation) => {
    const { id, outs } = await createReader();
    emulator.faults.add({ fault: { kind: "status", status: 404, errorCode: "USER_NOT_FOUND" } });
    const provider = providerFor(emulator);
    const attempt = operation === "read" ? provider.read(id, outs) : provider.delete(id, outs);
    await expect(attempt).rejects.toThrow("answered 404 Not Found: USER_NOT_FOUND");
    expect(emulator.store.get(TEST_REPO, id)).toBeDefined();
  });

  it("an update of a key deleted out of band names the key and says 404", async () => {
    const { id, outs } = await createReader();
    emulator.store.delete(TEST_REPO, id);
    await expect(providerFor(emulator).update(id, outs, { ...reader, name: "x" })).rejects.toThrow(
      `key "${id}") failed: PUT /repo/{repoId}/apikey/{apikeyId} answered 404`,
    );
  });
});
