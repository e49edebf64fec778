import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { loadAge, loadOpenPgp } from "../../provider/encryption/encryption-libraries";
import type { LifecycleOptions } from "../../provider/lifecycle-entry";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../../provider/definitions/repo-api-key";
import {
  ageKeyPair,
  decryptAgeInProcess,
  decryptOpenPgpInProcess,
  openPgpKeyPair,
  reExportedWithExpiry,
  type TestKeyPair,
} from "../../testkit/encryption-keys";
import { recordIssuedSecrets } from "../helpers/issued-secrets";
import { everythingPrinted, lifecycleFor, providerFor, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";

/*
 * encryptTo against the emulator, through the dynamic front: the secret Flashback issued comes back
 * only as ciphertext that opens to exactly it, and a create that fails at any point after
 * Flashback's answer leaves the plaintext in no output, partial resource, error or warning, and
 * no key that no state knows about.
 */

let emulator: RunningEmulator;
/** Every secret the emulator issued in this test. */
let issued: string[];
const keys: Record<"age" | "openpgp", TestKeyPair> = {} as never;
const decrypt = { age: decryptAgeInProcess, openpgp: decryptOpenPgpInProcess };
const FORMATS = ["age", "openpgp"] as const;
const sealed = (format: (typeof FORMATS)[number], name: string): RepoApiKeyInputs => ({
  repoId: TEST_REPO,
  name,
  accessType: "READ",
  encryptTo: keys[format].recipient,
});

beforeAll(async () => {
  emulator = await startTestEmulator();
  [keys.age, keys.openpgp] = await Promise.all([ageKeyPair(), openPgpKeyPair()]);
});
afterAll(async () => emulator?.close());
beforeEach(() => {
  emulator.reset();
  issued = recordIssuedSecrets(emulator);
});
afterEach(() => vi.restoreAllMocks());

/** No issued secret appears in `text`. */
function expectNoPlaintext(...texts: string[]): void {
  expect(issued.length).toBeGreaterThan(0);
  for (const secret of issued) for (const text of texts) expect(text).not.toContain(secret);
}

/** OpenPGP.js's functions cannot be spied on (an ES module's namespace): its key's lookup can. The create's own check passes; the encryption fails. */
function failOpenPgpAfterTheCheck(openpgp: Awaited<ReturnType<typeof loadOpenPgp>>): void {
  const original = openpgp.PublicKey.prototype.getEncryptionKey;
  let calls = 0;
  vi.spyOn(openpgp.PublicKey.prototype, "getEncryptionKey").mockImplementation(function (this: unknown, ...args) {
    calls += 1;
    return calls === 1 ? original.apply(this, args) : Promise.reject(new Error("no entropy"));
  });
}

describe.each(FORMATS)("encryptTo with %s", (format) => {
  it("create: secret empty, encryptedSecret opens to exactly the secret Flashback issued; refresh and rename keep it", async () => {
    const provider = providerFor(emulator);
    const created = await provider.create(sealed(format, "sealed"));
    const outputs = created.outs as RepoApiKeyOutputs;
    expect(outputs.secret).toBe("");
    const plaintext = await decrypt[format](outputs.encryptedSecret as string, keys[format].privateKey);
    expect(emulator.store.isSecretOf(created.id, plaintext)).toBe(true);
    expectNoPlaintext(JSON.stringify(outputs));

    const refreshed = await provider.read(created.id, outputs);
    expect(refreshed.props).toMatchObject({ secret: "", encryptedSecret: outputs.encryptedSecret, encryptTo: outputs.encryptTo });
    const renamed = await provider.update(created.id, outputs, { ...sealed(format, "renamed") });
    expect(renamed.outs).toMatchObject({ name: "renamed", secret: "", encryptedSecret: outputs.encryptedSecret });
  });

  const AFTER_THE_ANSWER: Array<{
    name: string;
    arrange: () => Promise<LifecycleOptions>;
    message: RegExp;
    /** Keys left in Flashback: none, or the one the partial resource records. */
    partial: boolean;
  }> = [
    {
      name: "the encryption itself fails",
      arrange: async () => {
        if (format === "age") vi.spyOn((await loadAge()).Encrypter.prototype, "encrypt").mockRejectedValueOnce(new Error("no entropy"));
        else failOpenPgpAfterTheCheck(await loadOpenPgp());
        return {};
      },
      message:
        /Encrypting the secret of API key "failing" to encryptTo \(\w+\) failed \((Error encrypting message: )?no entropy\), so the key Flashback made \(.+\) was deleted/,
      partial: false,
    },
    {
      name: "the engine is gone before the claim",
      arrange: async () => ({ engineListening: async () => false }),
      message: /The Pulumi engine stopped before API key "failing" could be handed to it/,
      partial: false,
    },
    {
      name: "the rename is refused",
      arrange: async () => {
        emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "PUT" });
        return {};
      },
      message: /update API key .* answered 403/,
      partial: false,
    },
    {
      name: "the rename and the delete are refused (a partial resource)",
      arrange: async () => {
        emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "PUT" });
        emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "DELETE" });
        return {};
      },
      message: /naming it "failing" failed .* and deleting it failed too/,
      partial: true,
    },
    {
      name: "the rename's answers are lost, then it is refused",
      arrange: async () => {
        emulator.faults.add({ fault: { kind: "reset-after" }, method: "PUT", times: 2 });
        emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "PUT" });
        return {};
      },
      message: /update API key .* answered 403/,
      partial: false,
    },
  ];

  it.each(AFTER_THE_ANSWER)("$name: no plaintext anywhere, no key lost", async ({ arrange, message, partial }) => {
    const warnings: string[] = [];
    const options = await arrange();
    const provider = providerFor(emulator, {}, { ...options, warn: (text) => warnings.push(text) });
    const withStub = { ...sealed(format, "failing"), __provider: "the-serialized-stub" } as RepoApiKeyInputs;
    const error = (await provider.create(withStub).catch((caught: unknown) => caught)) as Error & {
      id?: string;
      properties?: Record<string, unknown>;
    };
    expect(error.message).toMatch(message);
    expectNoPlaintext(everythingPrinted(error), JSON.stringify(error.properties ?? {}), ...warnings);
    const left = emulator.store.list(TEST_REPO);
    if (partial) {
      expect(left.map((key) => key.id)).toEqual([error.id]);
      // The partial key holds no secret either way, so the next `up` replaces it.
      expect(error.properties).toMatchObject({ secret: "", encryptTo: keys[format].recipient.trim() });
      expect(error.properties).not.toHaveProperty("encryptedSecret");
    } else {
      expect(left).toEqual([]);
      expect(error.properties).toBeUndefined();
    }
  });
});

describe("encryptTo refused before any request", () => {
  it.each([
    { name: "a private key", encryptTo: () => keys.age.privateKey, reason: /encryptTo holds a private key/ },
    { name: "an expired OpenPGP key", encryptTo: async () => (await openPgpKeyPair({ expired: true })).recipient, reason: /expired on/ },
  ])("create with $name fails naming encryptTo and sends nothing", async ({ encryptTo, reason }) => {
    const value = await encryptTo();
    const error = await lifecycleFor(emulator)
      .create({ repoId: TEST_REPO, name: "refused", accessType: "READ", encryptTo: value })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(reason);
    expect(everythingPrinted(error)).not.toContain(value.slice(20, 60));
    expect(emulator.requests).toEqual([]);
  });
});

describe("encryptTo compared by identity, through the dynamic front", () => {
  it("a key sealed to an OpenPGP key, then the same key re-exported with a new expiry: the diff says no change; another key replaces", async () => {
    const provider = providerFor(emulator);
    const created = await provider.create(sealed("openpgp", "sealed"));
    const diffWith = async (encryptTo: string) => {
      const { inputs, failures } = await provider.check({} as RepoApiKeyInputs, { ...sealed("openpgp", "sealed"), encryptTo });
      expect(failures).toEqual([]);
      return provider.diff(created.id, created.outs as RepoApiKeyOutputs, inputs as RepoApiKeyInputs);
    };
    expect(await diffWith(await reExportedWithExpiry(keys.openpgp, 730))).toEqual({
      changes: false,
      replaces: [],
      stables: ["key", "secret", "encryptedSecret"],
      deleteBeforeReplace: false,
    });
    expect(await diffWith((await openPgpKeyPair()).recipient)).toMatchObject({ changes: true, replaces: ["encryptTo"] });
  });

  it("with FLASHBACK_REQUIRE_ENCRYPT_TO=true, Check refuses a key without encryptTo and sends nothing", async () => {
    const provider = providerFor(emulator, { FLASHBACK_REQUIRE_ENCRYPT_TO: "true" });
    const { failures } = await provider.check({} as RepoApiKeyInputs, { repoId: TEST_REPO, name: "plain", accessType: "READ" });
    expect(failures).toEqual([
      { property: "", reason: expect.stringMatching(/^encryptTo is required: environment variable FLASHBACK_REQUIRE_ENCRYPT_TO is true/) },
    ]);
    expect(emulator.requests).toEqual([]);
  });
});
