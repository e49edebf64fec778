import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { PRIVATE_KEY_REFUSAL } from "../../provider/encryption/recipient-shape";
import {
  fromStruct,
  type grpc,
  isSecret,
  providerProto,
  statusProto,
  toStruct,
  UNKNOWN,
  wrapSecret,
  type Props,
} from "../../provider/engine/pulumi-protocol";
import {
  ageKeyPair,
  decryptAgeInProcess,
  fingerprintOfKey,
  openPgpBlockOf,
  openPgpKeyPair,
  reExportedWithExpiry,
  type TestKeyPair,
} from "../../testkit/encryption-keys";
import { lifecycleFor, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { startFakeEngine } from "../helpers/fake-engine";
import { recordIssuedSecrets } from "../helpers/issued-secrets";
import { startPluginClient, type PluginClient, type ProtoResponse } from "../helpers/plugin-client";

/*
 * encryptTo through the plugin's gRPC server, as YAML, Python and Go programs reach it: what Check,
 * a preview's Create, a Create and a partial resource send the engine, searched for the plaintext
 * secret and for a private key given by mistake.
 */

const URN = "urn:pulumi:dev::plugin-test::flashback:index:RepoApiKey::sealed";
let emulator: RunningEmulator;
let engine: Awaited<ReturnType<typeof startFakeEngine>>;
let plugin: PluginClient;
let age: TestKeyPair;
let issued: string[];
const inputs = (overrides: Props = {}): Props => ({
  repoId: TEST_REPO,
  name: "sealed",
  accessType: "READ",
  encryptTo: age.recipient,
  ...overrides,
});

/** Everything a response or failure carries, as text: its whole message, details included. */
function wire(response: ProtoResponse): string {
  return JSON.stringify(response?.toObject ? response.toObject() : response);
}

function expectNoPlaintext(...texts: string[]): void {
  expect(issued.length).toBeGreaterThan(0);
  for (const secret of issued)
    for (const text of [...texts, ...engine.logged.map((entry) => entry.message)]) expect(text).not.toContain(secret);
}

const check = (news: Props): Promise<ProtoResponse> =>
  plugin.call("check", new providerProto.CheckRequest().setUrn(URN).setOlds(toStruct({})).setNews(toStruct(news)));
const create = (props: Props, preview = false): Promise<ProtoResponse> =>
  plugin.call("create", new providerProto.CreateRequest().setUrn(URN).setProperties(toStruct(props)).setPreview(preview));

beforeAll(async () => {
  [emulator, engine, age] = await Promise.all([startTestEmulator(), startFakeEngine(), ageKeyPair()]);
  plugin = await startPluginClient({
    engineAddress: engine.address,
    lifecycle: lifecycleFor(emulator, { FLASHBACK_API_URL: "", FLASHBACK_ACCESS_TOKEN: "" }),
  });
  await plugin.call(
    "configure",
    new providerProto.ConfigureRequest()
      .setArgs(toStruct({ accessToken: wrapSecret(TEST_TOKEN), apiUrl: emulator.url }))
      .setAcceptsecrets(true),
  );
});
afterAll(async () => {
  await plugin?.stop();
  await engine?.stop();
  await emulator?.close();
});
beforeEach(() => {
  emulator.store.clear([TEST_REPO, "repo-other"]);
  emulator.requests.length = 0;
  engine.logged.length = 0;
  issued = recordIssuedSecrets(emulator);
});
afterEach(() => vi.restoreAllMocks());

describe("the plugin with encryptTo", () => {
  it("Check refuses a private key in words naming encryptTo, under no property (the engine would print its value), and hands back inputs without it, even in secret", async () => {
    for (const encryptTo of [age.privateKey, wrapSecret(age.privateKey)]) {
      const response = await check(inputs({ encryptTo }));
      const failures = response.getFailuresList().map((failure: ProtoResponse) => [failure.getProperty(), failure.getReason()]);
      expect(failures).toEqual([["", `encryptTo ${PRIVATE_KEY_REFUSAL}`]]);
      expect(fromStruct(response.getInputs())).not.toHaveProperty("encryptTo");
      expect(wire(response)).not.toContain(age.privateKey.slice(15));
    }
  });

  it("Check refuses an expired OpenPGP key and one that cannot encrypt, naming encryptTo", async () => {
    for (const [options, reason] of [
      [{ expired: true }, /^encryptTo is an OpenPGP key \([0-9A-F]+\) that expired on/],
      [{ signOnly: true }, /^encryptTo is an OpenPGP key \([0-9A-F]+\) with no valid encryption subkey/],
    ] as const) {
      const response = await check(inputs({ encryptTo: (await openPgpKeyPair(options)).recipient }));
      expect(response.getFailuresList().map((failure: ProtoResponse) => failure.getProperty())).toEqual([""]);
      expect(response.getFailuresList()[0].getReason()).toMatch(reason);
    }
  });

  it("Check lets an unknown recipient through a preview; the preview's Create shows secret empty and encryptedSecret unknown", async () => {
    expect((await check(inputs({ encryptTo: UNKNOWN }))).getFailuresList()).toEqual([]);
    const preview = fromStruct((await create(inputs(), true)).getProperties());
    // A preview wraps only what came in secret; an empty secret shows nothing.
    expect(preview).toMatchObject({ secret: "", encryptedSecret: UNKNOWN });
    expect(emulator.requests).toEqual([]);
  });

  it("Create answers secret empty and encryptedSecret in plain, which opens to the issued secret; nothing else holds it", async () => {
    const response = await create(inputs());
    const properties = fromStruct(response.getProperties());
    expect(properties.secret).toEqual(wrapSecret(""));
    expect(isSecret(properties.encryptedSecret)).toBe(false);
    const plaintext = await decryptAgeInProcess(properties.encryptedSecret as string, age.privateKey);
    expect(emulator.store.isSecretOf(response.getId(), plaintext)).toBe(true);
    expectNoPlaintext(wire(response));
  });

  it("a partial resource (rename and delete refused) holds no plaintext in its details or properties", async () => {
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "PUT" });
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "DELETE" });
    const error = (await create(inputs()).catch((caught: unknown) => caught)) as {
      details: string;
      metadata: InstanceType<typeof grpc.Metadata>;
    };
    const [detailsBin] = error.metadata.get("grpc-status-details-bin");
    const detail = providerProto.ErrorResourceInitFailed.deserializeBinary(
      statusProto.Status.deserializeBinary(detailsBin).getDetailsList()[0].getValue(),
    );
    expect(detail.getId()).toBe(emulator.store.list(TEST_REPO)[0]?.id);
    const properties = fromStruct(detail.getProperties());
    expect(properties).toMatchObject({ secret: wrapSecret(""), encryptTo: age.recipient });
    expectNoPlaintext(error.details, JSON.stringify(properties), wire(detail));
  });

  it("Diff replaces the key for a new, an added or a removed recipient, naming encryptTo", async () => {
    const created = await create(inputs());
    const olds = created.getProperties();
    const other = (await ageKeyPair()).recipient;
    const plain = { repoId: TEST_REPO, name: "sealed", accessType: "READ" };
    for (const [stored, news] of [
      [olds, inputs({ encryptTo: other })],
      [olds, plain],
      [toStruct({ ...plain, key: wrapSecret("k"), secret: wrapSecret("s") }), inputs()],
    ] as const) {
      const diff = await plugin.call(
        "diff",
        new providerProto.DiffRequest().setUrn(URN).setId(created.getId()).setOlds(stored).setNews(toStruct(news)),
      );
      expect(diff.getReplacesList()).toEqual(["encryptTo"]);
    }
  });

  it("an import says no secret can be recovered, and a recipient for the imported key is recorded without a replacement", async () => {
    const existing = emulator.store.create(TEST_REPO, "adopted", "READ");
    const read = await plugin.call("read", new providerProto.ReadRequest().setUrn(URN).setId(`${TEST_REPO}/${existing.stored.id}`));
    await expect
      .poll(() => engine.logged.map((entry) => entry.message))
      .toEqual([expect.stringMatching(/`encryptedSecret` stays empty too/)]);
    const diff = await plugin.call(
      "diff",
      new providerProto.DiffRequest()
        .setUrn(URN)
        .setId(existing.stored.id)
        .setOlds(read.getProperties())
        .setNews(toStruct(inputs({ name: "adopted" }))),
    );
    expect(diff.getReplacesList()).toEqual([]);
    expect(diff.getDiffsList()).toEqual(["encryptTo"]);
    expectNoPlaintext(wire(read));
  });

  it("Check refuses one armored block of two OpenPGP keys under no property, naming both fingerprints and how to export one", async () => {
    const [first, second] = await Promise.all([openPgpKeyPair(), openPgpKeyPair()]);
    const block = await openPgpBlockOf(first, second);
    const response = await check(inputs({ encryptTo: block }));
    const failures = response.getFailuresList().map((failure: ProtoResponse) => [failure.getProperty(), failure.getReason()]);
    const fingerprints = await Promise.all([fingerprintOfKey(first.recipient), fingerprintOfKey(second.recipient)]);
    expect(failures).toEqual([["", expect.stringContaining(`encryptTo holds 2 OpenPGP keys (${fingerprints.join(", ")})`)]]);
    expect(failures[0][1]).toContain("gpg --armor --export <FINGERPRINT>");
  });

  it("Diff of a state stored by release 890a772 (encryptTo as the text given) and the same OpenPGP key re-exported with a new expiry: no change", async () => {
    const pgp = await openPgpKeyPair();
    const stored = {
      repoId: TEST_REPO,
      name: "sealed",
      accessType: "READ",
      encryptTo: pgp.recipient.trim(),
      key: wrapSecret("AKIAEXAMPLE"),
      secret: wrapSecret(""),
      encryptedSecret: "-----BEGIN PGP MESSAGE-----\n\nwV4D\n-----END PGP MESSAGE-----",
    };
    const diffWith = async (encryptTo: string) => {
      const checked = await check(inputs({ encryptTo }));
      expect(checked.getFailuresList()).toEqual([]);
      return plugin.call(
        "diff",
        new providerProto.DiffRequest().setUrn(URN).setId("key-1").setOlds(toStruct(stored)).setNews(checked.getInputs()),
      );
    };
    const same = await diffWith(await reExportedWithExpiry(pgp, 730));
    expect(same.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_NONE);
    expect([same.getReplacesList(), same.getDiffsList()]).toEqual([[], []]);
    const other = await diffWith((await openPgpKeyPair()).recipient);
    expect([other.getReplacesList(), other.getDeletebeforereplace()]).toEqual([["encryptTo"], false]);
  });

  it("with requireEncryptTo in the provider's inputs, Check refuses a key without encryptTo; CheckConfig refuses a value other than true or false", async () => {
    const configure = (extra: Props) =>
      plugin.call(
        "configure",
        new providerProto.ConfigureRequest()
          .setArgs(toStruct({ accessToken: wrapSecret(TEST_TOKEN), apiUrl: emulator.url, ...extra }))
          .setAcceptsecrets(true),
      );
    const plain = { repoId: TEST_REPO, name: "plain", accessType: "READ" };
    try {
      for (const required of [true, "true"]) {
        await configure({ requireEncryptTo: required });
        const failures = (await check(plain))
          .getFailuresList()
          .map((failure: ProtoResponse) => [failure.getProperty(), failure.getReason()]);
        expect(failures).toEqual([["", expect.stringMatching(/^encryptTo is required: stack config flashback:requireEncryptTo is true/)]]);
        expect((await check(inputs())).getFailuresList()).toEqual([]);
      }
      await configure({ requireEncryptTo: false });
      expect((await check(plain)).getFailuresList()).toEqual([]);
    } finally {
      await configure({});
    }
    const checked = await plugin.call(
      "checkConfig",
      new providerProto.CheckRequest()
        .setUrn("urn:pulumi:dev::p::pulumi:providers:flashback::default")
        .setNews(toStruct({ requireEncryptTo: "yes" })),
    );
    expect(checked.getFailuresList().map((failure: ProtoResponse) => [failure.getProperty(), failure.getReason()])).toEqual([
      ["requireEncryptTo", 'stack config flashback:requireEncryptTo must be true or false; got "yes"'],
    ]);
  });
});
