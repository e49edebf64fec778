import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE } from "../../provider/lifecycle/check-inputs";
import { diffInputs } from "../../provider/lifecycle/diff-inputs";
import type { RepoApiKeyOutputs } from "../../provider/definitions/repo-api-key";

const olds: RepoApiKeyOutputs = { repoId: "repo-1", name: "reader", accessType: "READ", key: "FBK1", secret: "s3cr3t-value" };

describe("diffInputs", () => {
  it.each([
    { name: "nothing changed", news: { repoId: "repo-1", name: "reader", accessType: "READ" }, changes: false, replaces: [] },
    { name: "a new name updates in place", news: { repoId: "repo-1", name: "renamed", accessType: "READ" }, changes: true, replaces: [] },
    {
      name: "a new access type updates in place",
      news: { repoId: "repo-1", name: "reader", accessType: "WRITE" },
      changes: true,
      replaces: [],
    },
    { name: "a new repoId replaces", news: { repoId: "repo-2", name: "reader", accessType: "READ" }, changes: true, replaces: ["repoId"] },
    {
      name: "an unknown repoId may replace",
      news: { repoId: UNKNOWN_VALUE, name: "reader", accessType: "READ" },
      changes: true,
      replaces: ["repoId"],
    },
    {
      name: "an unknown name may update",
      news: { repoId: "repo-1", name: UNKNOWN_VALUE, accessType: "READ" },
      changes: true,
      replaces: [],
    },
    {
      name: "a first rotation trigger replaces",
      news: { repoId: "repo-1", name: "reader", accessType: "READ", rotateWhenChanged: "2026-Q4" },
      changes: true,
      replaces: ["rotateWhenChanged"],
    },
  ])("$name", ({ news, changes, replaces }) => {
    const diff = diffInputs(olds, news);
    expect(diff.changes).toBe(changes);
    expect(diff.replaces).toEqual(replaces);
    expect(diff.deleteBeforeReplace).toBe(false);
  });

  it("replaces when the rotation trigger changes, not when it is dropped", () => {
    const rotating = { ...olds, rotateWhenChanged: "2026-Q3" };
    expect(diffInputs(rotating, { repoId: "repo-1", name: "reader", accessType: "READ", rotateWhenChanged: "2026-Q4" }).replaces).toEqual([
      "rotateWhenChanged",
    ]);
    expect(diffInputs(rotating, { repoId: "repo-1", name: "reader", accessType: "READ", rotateWhenChanged: "2026-Q3" }).changes).toBe(
      false,
    );
    expect(diffInputs(rotating, { repoId: "repo-1", name: "reader", accessType: "READ" }).changes).toBe(false);
  });

  it("promises key and secret stay the same on an in-place update", () => {
    expect(diffInputs(olds, { ...olds, name: "renamed" }).stables).toEqual(["key", "secret", "encryptedSecret"]);
  });

  it("replaces a key stored without its secret (a partial create)", () => {
    expect(diffInputs({ ...olds, secret: "" }, { repoId: "repo-1", name: "reader", accessType: "READ" }).replaces).toEqual(["secret"]);
  });
});
