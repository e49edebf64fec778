import * as fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { openRecipient, type Recipient } from "../../provider/encryption/open-recipient";
import { PRIVATE_KEY_REFUSAL, recipientShape } from "../../provider/encryption/recipient-shape";
import { checkInputs, UNKNOWN_VALUE } from "../../provider/lifecycle/check-inputs";
import { diffInputs } from "../../provider/lifecycle/diff-inputs";
import { RepoApiKeyLifecycle } from "../../provider/lifecycle/repo-api-key-lifecycle";
import { ageKeyPair, decryptAgeInProcess, decryptOpenPgpInProcess, openPgpKeyPair, type TestKeyPair } from "../../testkit/encryption-keys";

const valid = { repoId: "repo-1", name: "sealed", accessType: "READ" as const };
/** A well-formed age recipient whose last character is changed: bech32's checksum fails. */
const brokenChecksum = (recipient: string): string => `${recipient.slice(0, -1)}${recipient.endsWith("q") ? "p" : "q"}`;

let age: TestKeyPair;
let pgp: TestKeyPair;

beforeAll(async () => {
  [age, pgp] = await Promise.all([ageKeyPair(), openPgpKeyPair()]);
});

async function opened(value: string): Promise<Recipient> {
  const result = await openRecipient(value);
  if ("refusal" in result) throw new Error(`refused: ${result.refusal}`);
  return result.recipient;
}

async function refusalOf(value: string): Promise<string> {
  const result = await openRecipient(value);
  if (!("refusal" in result)) throw new Error("accepted");
  return result.refusal;
}

describe("the recipient's shape (check, no library)", () => {
  it.each([
    { name: "an age recipient", value: () => age.recipient, format: "age" },
    { name: "an age recipient with blank space around it", value: () => `  ${age.recipient}\n`, format: "age" },
    { name: "an armored OpenPGP public key", value: () => pgp.recipient, format: "openpgp" },
    { name: "an armored OpenPGP public key with CRLF line ends", value: () => pgp.recipient.replace(/\n/g, "\r\n"), format: "openpgp" },
  ])("accepts $name", ({ value, format }) => {
    expect(recipientShape(value())).toMatchObject({ format });
  });

  it.each([
    { name: "an empty string", value: () => "", reason: "must be an age recipient" },
    { name: "an ssh key", value: () => "ssh-ed25519 AAAAC3Nza", reason: "must be an age recipient" },
    { name: "age1 with characters bech32 lacks", value: () => "age1bio", reason: "is not a well-formed age recipient" },
    { name: "a key block without its END line", value: () => pgp.recipient.replace(/-----END[^]*$/, ""), reason: "exactly one armored" },
    { name: "two key blocks", value: () => `${pgp.recipient}\n${pgp.recipient}`, reason: "exactly one armored" },
    { name: "a 100,001-character value", value: () => `age1${"q".repeat(99_997)}`, reason: "must be at most 100000 characters" },
  ])("refuses $name", ({ value, reason }) => {
    expect(recipientShape(value())).toEqual({ refusal: expect.stringContaining(reason) });
  });

  it.each([
    { name: "an age identity", value: () => age.privateKey },
    { name: "an age identity in lower case", value: () => age.privateKey.toLowerCase() },
    { name: "an age plugin identity", value: () => "AGE-PLUGIN-YUBIKEY-1QQQQQQ" },
    { name: "an armored OpenPGP private key", value: () => pgp.privateKey },
    { name: "a public key with a private key pasted after it", value: () => `${pgp.recipient}\n${pgp.privateKey}` },
  ])("refuses $name as a private key, without repeating it", ({ value }) => {
    const result = recipientShape(value());
    expect(result).toEqual({ refusal: PRIVATE_KEY_REFUSAL });
  });
});

describe("openRecipient (the library's checks)", () => {
  it("refuses an age recipient whose checksum is wrong, in its own words", async () => {
    const broken = brokenChecksum(age.recipient);
    const refusal = await refusalOf(broken);
    expect(refusal).toContain("is not a valid age recipient");
    expect(refusal).not.toContain(broken);
  });

  it("refuses an OpenPGP key that can only sign, naming its fingerprint", async () => {
    expect(await refusalOf((await openPgpKeyPair({ signOnly: true })).recipient)).toMatch(
      /^is an OpenPGP key \([0-9A-F]{40}\) with no valid encryption subkey/,
    );
  });

  it("refuses an expired OpenPGP key, saying when it expired", async () => {
    expect(await refusalOf((await openPgpKeyPair({ expired: true })).recipient)).toMatch(
      /^is an OpenPGP key \([0-9A-F]{40}\) that expired on \d{4}-\d\d-\d\dT/,
    );
  });

  it("refuses a damaged armored key", async () => {
    // The first packet's header, at the start of the armored body: damaged anywhere later, the fresh key of
    // a run may still parse (its user id or subkey broken instead), and be refused for another reason.
    const lines = pgp.recipient.split("\n");
    const body = lines.findIndex((line, index) => index > 0 && line !== "" && !line.includes(":"));
    const damaged = lines.map((line, index) => (index === body ? "AAAA" + line.slice(4) : line)).join("\n");
    expect(await refusalOf(damaged)).toContain("is not a readable OpenPGP public key");
  });

  it.each([
    { format: "age", keys: () => age, decrypt: decryptAgeInProcess, runs: 40, header: "-----BEGIN AGE ENCRYPTED FILE-----" },
    { format: "openpgp", keys: () => pgp, decrypt: decryptOpenPgpInProcess, runs: 15, header: "-----BEGIN PGP MESSAGE-----" },
  ])("any secret round-trips through $format: armored ciphertext without the plaintext, opened by the private half", async (row) => {
    const recipient = await opened(row.keys().recipient);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }), async (secret) => {
        const sealed = await recipient.encrypt(secret);
        expect(sealed.startsWith(row.header)).toBe(true);
        if (secret.length >= 6) expect(sealed).not.toContain(secret);
        expect(await row.decrypt(sealed, row.keys().privateKey)).toBe(secret);
      }),
      { numRuns: row.runs },
    );
  });
});

describe("encryptTo in check and diff", () => {
  it("stores the recipient normalized: another line ending is the same key", () => {
    const { inputs, failures } = checkInputs({ ...valid, encryptTo: `${pgp.recipient.replace(/\n/g, "\r\n")}\r\n` });
    expect(failures).toEqual([]);
    expect(inputs.encryptTo).toBe(pgp.recipient.trim());
  });

  it("a private key is refused under no property, since the engine prints a failing property's value, and left out of the inputs check hands back", () => {
    const { inputs, failures } = checkInputs({ ...valid, encryptTo: age.privateKey });
    expect(failures).toEqual([{ property: "", reason: `encryptTo ${PRIVATE_KEY_REFUSAL}` }]);
    expect(JSON.stringify(inputs)).not.toContain(age.privateKey.slice(16));
    expect(inputs).toEqual(valid);
  });

  it.each([
    ["OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----"],
    ["PKCS#8", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPRIVATEMATERIAL=\n-----END PRIVATE KEY-----"],
    ["PKCS#1", "-----BEGIN RSA PRIVATE KEY-----\nMIIEPRIVATEMATERIAL=\n-----END RSA PRIVATE KEY-----"],
  ])("a %s private key is refused as one, under no property, never repeated", (_, privateKey) => {
    const { inputs, failures } = checkInputs({ ...valid, encryptTo: privateKey });
    expect(failures).toEqual([{ property: "", reason: `encryptTo ${PRIVATE_KEY_REFUSAL}` }]);
    expect(JSON.stringify({ inputs, failures })).not.toContain("PRIVATE KEY");
  });

  it("any refused encryptTo names no property, so the engine never prints the value beside the reason", () => {
    const { failures } = checkInputs({ ...valid, encryptTo: "hunter2-a-password-pasted-by-mistake" });
    expect(failures).toEqual([{ property: "", reason: expect.stringMatching(/^encryptTo must be an age recipient/) }]);
    expect(JSON.stringify(failures)).not.toContain("hunter2");
  });

  it("an unknown recipient passes a preview's check, and a create refuses it before any request", async () => {
    expect(checkInputs({ ...valid, encryptTo: UNKNOWN_VALUE }).failures).toEqual([]);
    const lifecycle = new RepoApiKeyLifecycle({ env: {} });
    await expect(lifecycle.create({ ...valid, encryptTo: UNKNOWN_VALUE })).rejects.toThrow("inputs are not known yet");
  });

  it("checkFully adds the library's refusals, naming encryptTo, and masks a private key in every later message", async () => {
    const lifecycle = new RepoApiKeyLifecycle({ env: {} });
    const { failures } = await lifecycle.checkFully({ ...valid, encryptTo: brokenChecksum(age.recipient) });
    expect(failures).toEqual([{ property: "", reason: expect.stringMatching(/^encryptTo is not a valid age recipient/) }]);
    await lifecycle.checkFully({ ...valid, encryptTo: pgp.privateKey });
    expect(lifecycle.redact(`x ${pgp.privateKey} y`)).toBe("x [redacted] y");
  });

  const sealed = { ...valid, encryptTo: "age1a", key: "k", secret: "", encryptedSecret: "-----BEGIN AGE ENCRYPTED FILE-----" };
  it.each([
    { name: "a new recipient", olds: sealed, news: { ...valid, encryptTo: "age1b" }, replaces: ["encryptTo"] },
    { name: "a removed recipient", olds: sealed, news: valid, replaces: ["encryptTo"] },
    {
      name: "a recipient for a plain key",
      olds: { ...valid, key: "k", secret: "s" },
      news: { ...valid, encryptTo: "age1a" },
      replaces: ["encryptTo"],
    },
    { name: "an unknown recipient", olds: sealed, news: { ...valid, encryptTo: UNKNOWN_VALUE }, replaces: ["encryptTo"] },
    {
      name: "the same recipient (a sealed key's empty secret is no reason)",
      olds: sealed,
      news: { ...valid, encryptTo: "age1a" },
      replaces: [],
    },
    {
      name: "a recipient for an imported key",
      olds: { ...valid, key: "k", secret: "", importedWithoutSecret: true as const },
      news: { ...valid, encryptTo: "age1a" },
      replaces: [],
    },
  ])("diff: $name replaces $replaces", ({ olds, news, replaces }) => {
    expect(diffInputs(olds, news).replaces).toEqual(replaces);
  });

  it("an imported key given a recipient records it as an update, and keeps its empty secrets", () => {
    const olds = { ...valid, key: "k", secret: "", importedWithoutSecret: true as const };
    expect(diffInputs(olds, { ...valid, encryptTo: "age1a" })).toMatchObject({ changes: true, updates: ["encryptTo"] });
    const updated = new RepoApiKeyLifecycle({ env: {} }).previewUpdate(olds, { ...valid, encryptTo: "age1a" });
    expect(updated).toEqual({ ...olds, encryptTo: "age1a" });
  });
});
