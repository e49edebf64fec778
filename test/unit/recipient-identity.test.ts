import { beforeAll, describe, expect, it } from "vitest";
import { openRecipient } from "../../provider/encryption/open-recipient";
import { openRecipientCached, sameRecipient } from "../../provider/encryption/recipient-cache";
import { recipientIdentity } from "../../provider/encryption/recipient-identity";
import { normalizeRecipient, recipientShape } from "../../provider/encryption/recipient-shape";
import { checkInputs } from "../../provider/lifecycle/check-inputs";
import { RepoApiKeyLifecycle } from "../../provider/lifecycle/repo-api-key-lifecycle";
import {
  ageKeyPair,
  agePostQuantumKeyPair,
  decryptAgeInProcess,
  fingerprintOfKey,
  openPgpBlockOf,
  openPgpKeyPair,
  reExportedWithExpiry,
  type TestKeyPair,
} from "../../testkit/encryption-keys";

/*
 * Who a recipient seals to, told apart from its text: a block of several OpenPGP keys is refused
 * naming each; the same key exported again with a new expiry is the same recipient at Diff, in
 * states of every release; an age recipient in capitals is the same recipient; an opened recipient
 * is remembered per process.
 */

const valid = { repoId: "repo-1", name: "sealed", accessType: "READ" as const };
let age: TestKeyPair;
let pgp: TestKeyPair;
let otherPgp: TestKeyPair;
/** `pgp` exported again with a new expiry: other text, same key. */
let reExported: string;

beforeAll(async () => {
  [age, pgp, otherPgp] = await Promise.all([ageKeyPair(), openPgpKeyPair(), openPgpKeyPair()]);
  reExported = await reExportedWithExpiry(pgp, 730);
});

/** Every base64 line of an armored key: none may be repeated in a message. */
function keyMaterial(armored: string): string[] {
  return armored.split("\n").filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));
}

describe("a block of several OpenPGP keys", () => {
  it("is refused naming each key's fingerprint and how to export one, without repeating the keys", async () => {
    const block = await openPgpBlockOf(pgp, otherPgp);
    const fingerprints = await Promise.all([fingerprintOfKey(pgp.recipient), fingerprintOfKey(otherPgp.recipient)]);
    const result = await openRecipient(block);
    expect(result).toEqual({
      refusal: `holds 2 OpenPGP keys (${fingerprints.join(", ")}), and the secret can be sealed to one only: export the key of whoever must read it alone, gpg --armor --export <FINGERPRINT>, and give that`,
    });
    for (const line of keyMaterial(block)) expect(JSON.stringify(result)).not.toContain(line.slice(0, 40));
  });

  it("fails checkFully under no property, so the engine prints no value", async () => {
    const { failures } = await new RepoApiKeyLifecycle({ env: {} }).checkFully({
      ...valid,
      encryptTo: await openPgpBlockOf(pgp, otherPgp),
    });
    expect(failures).toEqual([
      { property: "", reason: expect.stringMatching(/^encryptTo holds 2 OpenPGP keys \([0-9A-F]{40}, [0-9A-F]{40}\)/) },
    ]);
  });
});

describe("age recipients: capitals, mixed case, post-quantum", () => {
  it("stores an all-capital age recipient in lower case, bech32's one spelling, and accepts it", async () => {
    const upper = age.recipient.toUpperCase();
    expect(normalizeRecipient(upper)).toBe(age.recipient);
    expect(checkInputs({ ...valid, encryptTo: `${upper}\n` })).toEqual({ inputs: { ...valid, encryptTo: age.recipient }, failures: [] });
    expect(await new RepoApiKeyLifecycle({ env: {} }).checkFully({ ...valid, encryptTo: upper })).toMatchObject({ failures: [] });
  });

  it("refuses a recipient that mixes cases, which bech32 forbids, saying so", () => {
    const mixed = `AGE1${age.recipient.slice(4)}`;
    expect(recipientShape(mixed)).toEqual({
      refusal: expect.stringContaining("mixes upper- and lower-case letters, which bech32 forbids"),
    });
  });

  it("refuses tag recipients, whose key the library checks only when it encrypts, saying so", () => {
    expect(recipientShape("age1tag1qqqqqqqqqqqqqqqq")).toEqual({ refusal: expect.stringContaining("is an age tag recipient") });
    expect(recipientShape("age1tagpq1qqqqqqqqqqqqqq")).toEqual({ refusal: expect.stringContaining("is an age tag recipient") });
  });

  it("seals to a post-quantum age1pq1… recipient, which its identity opens", async () => {
    const pq = await agePostQuantumKeyPair();
    expect(pq.recipient.startsWith("age1pq1")).toBe(true);
    expect(checkInputs({ ...valid, encryptTo: pq.recipient }).failures).toEqual([]);
    const opened = await openRecipient(pq.recipient);
    if ("refusal" in opened) throw new Error(opened.refusal);
    expect(await decryptAgeInProcess(await opened.recipient.encrypt("s3cret"), pq.privateKey)).toBe("s3cret");
  });
});

describe("a recipient's identity", () => {
  it("is the OpenPGP primary key's fingerprint whatever its signatures, and the age recipient in lower case", async () => {
    expect(reExported).not.toBe(pgp.recipient);
    const fingerprint = await fingerprintOfKey(pgp.recipient);
    expect(await recipientIdentity(pgp.recipient)).toBe(`openpgp:${fingerprint}`);
    expect(await recipientIdentity(reExported)).toBe(`openpgp:${fingerprint}`);
    expect(await recipientIdentity(otherPgp.recipient)).not.toBe(`openpgp:${fingerprint}`);
    expect(await recipientIdentity(age.recipient.toUpperCase())).toBe(`age:${age.recipient}`);
    expect(await recipientIdentity("not a key")).toBeUndefined();
  });

  it("sameRecipient: a re-export is the same, another key or an unreadable text is not", async () => {
    expect(await sameRecipient(pgp.recipient, reExported)).toBe(true);
    expect(await sameRecipient(pgp.recipient, otherPgp.recipient)).toBe(false);
    expect(await sameRecipient("damaged", "damaged too")).toBe(false);
    expect(await sameRecipient(undefined, pgp.recipient)).toBe(false);
  });
});

describe("Diff by identity, on states as every release stores them", () => {
  /** What release 890a772 stored for a sealed key: encryptTo as the text given (normalized), no identity. */
  const storedBy890a772 = (encryptTo: string) => ({
    ...valid,
    encryptTo,
    key: "AKIAEXAMPLE",
    secret: "",
    encryptedSecret: "-----BEGIN PGP MESSAGE-----\n\nwV4D\n-----END PGP MESSAGE-----",
  });
  const lifecycle = new RepoApiKeyLifecycle({ env: {} });
  const diffWith = async (olds: Record<string, unknown>, given: string) => {
    const { inputs, failures } = await lifecycle.checkFully({ ...valid, encryptTo: given });
    expect(failures).toEqual([]);
    return lifecycle.diffFully(olds, inputs);
  };

  it("the same key exported again with a new expiry: no change, no replacement", async () => {
    expect(await diffWith(storedBy890a772(pgp.recipient), reExported)).toMatchObject({ changes: false, replaces: [] });
  });

  it("another key still replaces, create-before-delete", async () => {
    expect(await diffWith(storedBy890a772(pgp.recipient), otherPgp.recipient)).toMatchObject({
      changes: true,
      replaces: ["encryptTo"],
      deleteBeforeReplace: false,
    });
  });

  it("a block of two keys that release stored sealed to its first key: that key alone replaces nothing, the other replaces", async () => {
    const stored = storedBy890a772(await openPgpBlockOf(pgp, otherPgp));
    expect(await diffWith(stored, reExported)).toMatchObject({ changes: false, replaces: [] });
    expect(await diffWith(stored, otherPgp.recipient)).toMatchObject({ replaces: ["encryptTo"] });
  });

  it("a rename beside a re-export updates in place, and the update stores the new text", async () => {
    const olds = storedBy890a772(pgp.recipient);
    const { inputs } = await lifecycle.checkFully({ ...valid, name: "renamed", encryptTo: reExported });
    expect(await lifecycle.diffFully(olds, inputs)).toMatchObject({ changes: true, replaces: [], updates: ["name"] });
    expect(lifecycle.previewUpdate(olds, inputs)).toMatchObject({
      name: "renamed",
      encryptTo: reExported.trim(),
      encryptedSecret: olds.encryptedSecret,
    });
  });

  it("the text-only diff, which tools and models call, still sees the new text as a new recipient", () => {
    expect(lifecycle.diff(storedBy890a772(pgp.recipient), { ...valid, encryptTo: reExported }).replaces).toEqual(["encryptTo"]);
  });
});

describe("openRecipientCached", () => {
  it("opens a distinct text once, and again once its key has expired", async () => {
    const first = await openRecipientCached(pgp.recipient);
    const second = await openRecipientCached(pgp.recipient);
    if ("refusal" in first || "refusal" in second) throw new Error("refused");
    expect(second.recipient).toBe(first.recipient);

    const expiring = await reExportedWithExpiry(pgp, 1);
    const opened = await openRecipientCached(expiring);
    if ("refusal" in opened) throw new Error(opened.refusal);
    expect(opened.recipient.validUntil).toBeLessThan(Date.now() + 2 * 86_400_000);
    const later = await openRecipientCached(expiring, new Date(Date.now() + 3 * 86_400_000));
    expect(later).toEqual({ refusal: expect.stringContaining("that expired on") });
  });
});
