import { describe, expect, it } from "vitest";
import { auditRepository, unmanagedKeys } from "../../provider/audit/judge-keys";
import { formatAge, formatJson, formatText } from "../../provider/audit/format-report";
import { managedKeysIn, MANAGED_KEY_TYPES } from "../../provider/audit/stack-export";
import { StackExportError } from "../../provider/errors/stack-export-error";
import { REPO_API_KEY_TYPE } from "../../provider/testing";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";

/* The audit's pure parts: what a state export says is managed, and what the report says of each key. */

const NOW = Date.parse("2026-12-02T12:00:00Z");
const SECRET = "s3cr3t-from-show-secrets-9f1c";
const urn = (type: string, name: string) => `urn:pulumi:prod::payments::${type}::${name}`;

function exportOf(resources: unknown[]): string {
  return JSON.stringify({ version: 3, deployment: { manifest: {}, resources } });
}

describe("managedKeysIn: the keys a `pulumi stack export` holds", () => {
  it("counts both fronts' type tokens, which are the dynamic RepoApiKey's and the plugin's", () => {
    expect(MANAGED_KEY_TYPES).toEqual([REPO_API_KEY_TYPE, REPO_API_KEY_TOKEN]);
  });

  it("keeps a key's id, URN and plain repoId, from a top-level key and from a RotatingRepoApiKey's child; skips everything else", () => {
    const text = exportOf([
      { urn: urn("pulumi:pulumi:Stack", "payments-prod"), type: "pulumi:pulumi:Stack", custom: false },
      {
        urn: urn(REPO_API_KEY_TYPE, "reader"),
        type: REPO_API_KEY_TYPE,
        id: "k1",
        inputs: { repoId: "repo-a" },
        outputs: { repoId: "repo-a", secret: SECRET },
      },
      {
        urn: urn(`flashback:index:RotatingRepoApiKey$${REPO_API_KEY_TYPE}`, "rot-a"),
        type: REPO_API_KEY_TYPE,
        id: "k2",
        outputs: { repoId: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } },
      },
      { urn: urn(REPO_API_KEY_TOKEN, "yaml-reader"), type: REPO_API_KEY_TOKEN, id: "k3", outputs: { repoId: "repo-b", secret: SECRET } },
      { urn: urn("flashback:index:RotatingRepoApiKey", "rot"), type: "flashback:index:RotatingRepoApiKey" },
      { urn: urn(REPO_API_KEY_TOKEN, "half-made"), type: REPO_API_KEY_TOKEN, id: "" },
    ]);
    const keys = managedKeysIn(text, "prod.json");
    expect(keys).toEqual([
      { id: "k1", urn: urn(REPO_API_KEY_TYPE, "reader"), stack: "payments/prod", repoId: "repo-a", source: "prod.json" },
      {
        id: "k2",
        urn: urn(`flashback:index:RotatingRepoApiKey$${REPO_API_KEY_TYPE}`, "rot-a"),
        stack: "payments/prod",
        repoId: undefined,
        source: "prod.json",
      },
      { id: "k3", urn: urn(REPO_API_KEY_TOKEN, "yaml-reader"), stack: "payments/prod", repoId: "repo-b", source: "prod.json" },
    ]);
    expect(JSON.stringify(keys)).not.toContain(SECRET);
  });

  it("marks a key that a destroy leaves working in Flashback: retainOnDelete, or deletedWith another resource", () => {
    const text = exportOf([
      { urn: urn(REPO_API_KEY_TOKEN, "kept"), type: REPO_API_KEY_TOKEN, id: "k1", retainOnDelete: true },
      { urn: urn(REPO_API_KEY_TOKEN, "with"), type: REPO_API_KEY_TOKEN, id: "k2", deletedWith: urn(REPO_API_KEY_TOKEN, "anchor") },
      { urn: urn(REPO_API_KEY_TOKEN, "plain"), type: REPO_API_KEY_TOKEN, id: "k3" },
    ]);
    const keys = managedKeysIn(text, "prod.json");
    expect(keys.map((key) => [key.id, key.keptOnDelete])).toEqual([
      ["k1", "retainOnDelete"],
      ["k2", "deletedWith"],
      ["k3", undefined],
    ]);
    const audit = auditRepository("repo-a", { listedAt: NOW, keys: [{ id: "k1", name: "kept", accessType: "READ" }] }, keys, NOW);
    expect(formatText([audit])).toContain(
      `managed by payments/prod (${urn(REPO_API_KEY_TOKEN, "kept")}), RETAINED on delete (retainOnDelete): a destroy leaves it working`,
    );
    expect(JSON.parse(formatJson([audit])).repositories[0].keys[0].managedBy[0].keptOnDelete).toBe("retainOnDelete");
  });

  it.each([
    { name: "text that is not JSON", text: `{"secret": "${SECRET}"`, says: "prod.json is not JSON" },
    { name: "JSON without resources", text: JSON.stringify({ secret: SECRET }), says: "prod.json has no deployment with a resources list" },
  ])("refuses $name, naming the export and never quoting it", ({ text, says }) => {
    expect(() => managedKeysIn(text, "prod.json")).toThrow(StackExportError);
    expect(() => managedKeysIn(text, "prod.json")).toThrow(says);
    try {
      managedKeysIn(text, "prod.json");
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});

describe("auditRepository", () => {
  const managed = managedKeysIn(
    exportOf([
      { urn: urn(REPO_API_KEY_TOKEN, "a"), type: REPO_API_KEY_TOKEN, id: "k-managed", outputs: { repoId: "repo-a" } },
      { urn: urn(REPO_API_KEY_TOKEN, "gone"), type: REPO_API_KEY_TOKEN, id: "k-gone", outputs: { repoId: "repo-a" } },
      { urn: urn(REPO_API_KEY_TOKEN, "elsewhere"), type: REPO_API_KEY_TOKEN, id: "k-other-repo", outputs: { repoId: "repo-b" } },
    ]),
    "prod.json",
  );
  const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();
  const listing = {
    listedAt: NOW,
    keys: [
      { id: "k-managed", name: "a", accessType: "READ", createdAt: at(2 * 3_600_000 + 30 * 60_000) },
      { id: "k-hand", name: "by-hand", accessType: "WRITE", createdAt: "2026-11-29T08:00:00" },
      { id: "k-old", name: "pulumi-pending-0123456789ab-0123456789ab-20", accessType: "READ", createdAt: at(86_400_000) },
      { id: "k-new", name: "pulumi-pending-0123456789ab-ba9876543210-20", accessType: "READ", createdAt: at(5_000) },
      { id: "k-other-repo", name: "same id, other repository", accessType: "READ", createdAt: at(60_000) },
    ],
  };

  it("says per key: managed by which stack, unmanaged, or a leftover reservation, abandoned or in flight; unknown age for a date without a zone", () => {
    const audit = auditRepository("repo-a", listing, managed, NOW);
    expect(
      audit.keys.map((key) => [key.id, key.status.kind === "reservation" ? key.status.judgement : key.status.kind, formatAge(key.ageMs)]),
    ).toEqual([
      ["k-hand", "unmanaged", "unknown"],
      ["k-other-repo", "unmanaged", "1m"],
      ["k-old", "abandoned", "1d 0h"],
      ["k-new", "in-flight", "5s"],
      ["k-managed", "managed", "2h 30m"],
    ]);
    expect(unmanagedKeys(audit).map((key) => key.id)).toEqual(["k-hand", "k-other-repo", "k-old", "k-new"]);
    expect(audit.missing.map((key) => key.id)).toEqual(["k-gone"]);
  });

  it("without Flashback's Date a reservation's age is no proof of anything: no-proof, not abandoned", () => {
    const audit = auditRepository("repo-a", { ...listing, listedAt: undefined }, managed, NOW);
    expect(audit.keys.find((key) => key.id === "k-old")?.status).toEqual({ kind: "reservation", judgement: "no-proof" });
  });

  it("quotes names, so that a name holding a line break stays on its key's line", () => {
    const audit = auditRepository(
      "repo-a",
      { listedAt: NOW, keys: [{ id: "k", name: "x\n  forged  managed", accessType: "READ" }] },
      [],
      NOW,
    );
    expect(formatText([audit]).split("\n")).toEqual([
      "repository repo-a: 1 keys, 0 managed, 1 unmanaged (0 of them leftover reservations)",
      '  k  "x\\n  forged  managed"  READ  age unknown  UNMANAGED',
    ]);
  });
});

describe("formatAge", () => {
  it.each([
    [undefined, "unknown"],
    [0, "0s"],
    [59_999, "59s"],
    [60_000, "1m"],
    [3_599_999, "59m"],
    [3_600_000, "1h 0m"],
    [86_399_999, "23h 59m"],
    [86_400_000, "1d 0h"],
    [400 * 86_400_000 + 5 * 3_600_000, "400d 5h"],
  ])("%s ms is %s", (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
