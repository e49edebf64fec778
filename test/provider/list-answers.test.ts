import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { describePaging } from "../../provider/client/paging";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../../provider/definitions/repo-api-key";
import {
  ABANDONED_AGE_MS,
  keyIdsIn,
  plantReservation,
  lifecycleFor,
  providerFor,
  startTestEmulator,
  TEST_REPO,
} from "../helpers/emulator-provider";

/*
 * What a list of a repository's keys can hide, and what the provider concludes from it: a list is
 * the only way to read a key, so refresh, import, the sweep and the search after a lost create
 * answer all rely on it. A page of a list must never pass for all of it.
 */

const SCOPE = "00000000abcd";
const AZURE_REPO = "repo-azure";
const HIDDEN_REPO = "repo-hidden";
const inputs = (name: string, repoId = TEST_REPO): RepoApiKeyInputs => ({ repoId, name, accessType: "READ" });

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ repos: [TEST_REPO, "repo-other", AZURE_REPO, HIDDEN_REPO], azureRepos: [AZURE_REPO] });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.refuseRepo(HIDDEN_REPO, undefined);
});

/** Three keys in the test repository, made by the provider; returns the last one's id and outputs. */
async function threeKeys(): Promise<{ id: string; outs: RepoApiKeyOutputs }> {
  const provider = providerFor(emulator);
  const made = [];
  for (const name of ["a", "b", "c"]) made.push(await provider.create(inputs(name)));
  const last = made[2]!;
  return { id: last.id, outs: last.outs as RepoApiKeyOutputs };
}

describe("a list answered in pages", () => {
  beforeEach(() => {
    emulator.faults.listPageSize = 2;
  });

  it("fails refresh with a clear error instead of dropping a key missing from the first page", async () => {
    const { id, outs } = await threeKeys();
    const error = (await providerFor(emulator)
      .read(id, outs)
      .catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      /list API keys \(repository "repo-test"\) failed: .*looks like one page of several \(it counts 3 keys but holds 2\)/,
    );
    expect(error.message).toMatch(/will not take part of a list for all of it/);
    expect(
      emulator.requests.filter((request) => request.method === "GET"),
      "a refused page is not retried",
    ).toHaveLength(1);
  });

  it("fails import with the same error", async () => {
    const { id } = await threeKeys();
    await expect(lifecycleFor(emulator).importKey(`${TEST_REPO}/${id}`)).rejects.toThrow(/looks like one page of several/);
  });

  it("makes the sweep delete nothing, while the write that waited for it goes ahead", async () => {
    const abandoned = plantReservation(emulator, { ageMs: ABANDONED_AGE_MS });
    await threeKeys();
    const created = await providerFor(emulator, {}, { deploymentScope: SCOPE }).create(inputs("d"));
    expect(keyIdsIn(emulator)).toContain(abandoned);
    expect(keyIdsIn(emulator)).toContain(created.id);
    expect(emulator.requests.filter((request) => request.method === "DELETE")).toHaveLength(0);
  });

  it("makes a lost create answer's search fail, naming the reservation that may be left", async () => {
    await threeKeys();
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST" });
    const error = (await providerFor(emulator)
      .create(inputs("lost"))
      .catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/listing the repository's keys to find it failed: .*one page of several/);
    expect(error.message).toMatch(/it is named "pulumi-pending-[0-9a-f]{12}-[0-9a-f]{12}-20"/);
  });

  it("is told apart from a whole list by the signs a paged answer carries", () => {
    expect(describePaging({ keys: [] }, 0)).toBeUndefined();
    expect(describePaging({ keys: [], total: 2, page: 1, limit: 50 }, 2)).toBeUndefined();
    expect(describePaging({ total: 3 }, 2)).toBe("it counts 3 keys but holds 2");
    expect(describePaging({ nextToken: "abc" }, 2)).toBe('it carries a next-page field "nextToken"');
    expect(describePaging({ pagination: { has_more: true } }, 2)).toBe('it says "has_more": true');
    expect(describePaging({ limit: 2 }, 2)).toMatch(/paging field "limit" and no count/);
    expect(describePaging({}, 2, '<https://api/repo/r/apikey?page=2>; rel="next"')).toMatch(/Link header/);
    expect(describePaging({ next: null, cursor: "" }, 2)).toBeUndefined();
  });
});

describe("a repository that answers 404 or 403", () => {
  it("404: refresh and destroy fail naming the repository (it may only be hidden from the token), import says so, the sweep deletes nothing", async () => {
    const provider = providerFor(emulator, {}, { deploymentScope: SCOPE });
    const created = await provider.create(inputs("k", HIDDEN_REPO));
    const outs = created.outs as RepoApiKeyOutputs;
    const abandoned = plantReservation(emulator, { repoId: HIDDEN_REPO, ageMs: ABANDONED_AGE_MS });
    emulator.refuseRepo(HIDDEN_REPO, 404);
    await expect(providerFor(emulator).read(created.id, outs)).rejects.toThrow(
      `Flashback answers 404 for repository "${HIDDEN_REPO}" while refreshing key "${created.id}": the repository was deleted, or this token can no longer see it`,
    );
    await expect(providerFor(emulator, {}, { deploymentScope: SCOPE }).delete(created.id, outs)).rejects.toThrow(
      `pulumi config set flashback:goneRepositories ${HIDDEN_REPO}`,
    );
    await expect(lifecycleFor(emulator).importKey(`${HIDDEN_REPO}/${created.id}`)).rejects.toThrow(
      `Flashback answers 404 for repository "${HIDDEN_REPO}": it does not exist, or this token cannot see it`,
    );
    await expect(providerFor(emulator, {}, { deploymentScope: SCOPE }).create(inputs("k2", HIDDEN_REPO))).rejects.toThrow(
      /answered 404.*Check that the repository id is right/,
    );
    expect(keyIdsIn(emulator, HIDDEN_REPO)).toEqual([created.id, abandoned].sort());
  });

  it("404 of a repository that goneRepositories confirms deleted: refresh drops its keys and destroy counts them deleted, each with one warning", async () => {
    const created = await providerFor(emulator).create(inputs("k", HIDDEN_REPO));
    const outs = created.outs as RepoApiKeyOutputs;
    emulator.refuseRepo(HIDDEN_REPO, 404);
    const warnings: string[] = [];
    const confirmed = providerFor(emulator, { FLASHBACK_GONE_REPOSITORIES: HIDDEN_REPO }, { warn: (message) => warnings.push(message) });
    expect(await confirmed.read(created.id, outs)).toEqual({ id: "" });
    await confirmed.delete(created.id, outs);
    expect(warnings).toEqual([
      expect.stringMatching(
        `^Repository "${HIDDEN_REPO}" answers 404 and goneRepositories (flashback:goneRepositories or FLASHBACK_GONE_REPOSITORIES) names it deleted, so its keys leave the state`.replace(
          /[()]/g,
          "\\$&",
        ),
      ),
      expect.stringMatching(`^Repository "${HIDDEN_REPO}" answers 404 .* so its keys count as deleted. If it was not deleted`),
    ]);
  });

  it("403: refresh and import fail naming the repository and the permission; nothing leaves the state", async () => {
    const created = await providerFor(emulator).create(inputs("k", HIDDEN_REPO));
    emulator.refuseRepo(HIDDEN_REPO, 403);
    await expect(providerFor(emulator).read(created.id, created.outs as RepoApiKeyOutputs)).rejects.toThrow(
      /list API keys \(repository "repo-hidden"\) failed: .*answered 403.*lacks permission/,
    );
    await expect(lifecycleFor(emulator).importKey(`${HIDDEN_REPO}/${created.id}`)).rejects.toThrow(/answered 403/);
  });
});

describe("an Azure Blob repository, whose keys have no key id", () => {
  it("creates a key with an empty key and its secret, keeps both through refresh, and imports it with an empty key", async () => {
    const provider = providerFor(emulator);
    const created = await provider.create(inputs("azure", AZURE_REPO));
    const outs = created.outs as RepoApiKeyOutputs;
    expect(outs.key).toBe("");
    expect(emulator.store.isSecretOf(created.id, outs.secret)).toBe(true);
    const refreshed = await provider.read(created.id, outs);
    expect(refreshed).toEqual({ id: created.id, props: outs, inputs: { repoId: AZURE_REPO, name: "azure", accessType: "READ" } });
    const imported = await provider.lifecycle.importKey(`${AZURE_REPO}/${created.id}`);
    expect(imported.outputs).toMatchObject({ key: "", secret: "", name: "azure" });
    expect(
      emulator.requests.filter((request) => request.method === "POST"),
      "an answer without key is not taken for a lost one",
    ).toHaveLength(1);
  });
});
