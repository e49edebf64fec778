import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { ageToolKeyPair, gpgToolKeyPair, type GpgToolKeyPair, type ToolKeyPair } from "../../testkit/decrypt-with-tools";
import { encryptionToolsSuite } from "../../testkit/encryption-tools-suite";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { expectPlaintextNowhere } from "../helpers/encrypt-to-through-cli";

/*
 * encryptTo under the real `pulumi` CLI, in TypeScript: one key sealed to an age recipient made by
 * age-keygen, one to an OpenPGP key made by gpg. The real `age` and `gpg` open `encryptedSecret` to
 * exactly the secret the emulator issued, and neither the state (`--show-secrets`), the backend's
 * files nor anything the CLI printed holds it. Skipped, with the reason, without the CLI or the
 * tools; under CI=true it fails instead.
 */

const suite = encryptionToolsSuite("encryptTo under the real pulumi CLI (TypeScript)");
const PROGRAM_DIR = join(__dirname, "programs", "encrypt-to");

let emulator: RunningEmulator;
let stack: CliStack;
let age: ToolKeyPair;
let pgp: GpgToolKeyPair;
let recipientsDir: string;
/** The plaintext secrets the tools opened: every leak check looks for each. */
const opened: string[] = [];

const writeRecipient = (file: string, text: string): string => {
  const path = join(recipientsDir, file);
  writeFileSync(path, text);
  return path;
};

/** No plaintext opened so far in the exported state, the backend's files or anything the CLI printed. */
const expectNoPlaintextAnywhere = (): Promise<void> => expectPlaintextNowhere(stack, opened);

describe.skipIf(suite.skip)(suite.title, () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
    [age, pgp] = [ageToolKeyPair(), gpgToolKeyPair()];
    stack = await cliStackOnEmulator(emulator, {
      programDir: PROGRAM_DIR,
      stackName: "encrypt-to",
      env: { FLASHBACK_OPERATION_TIMEOUT: "20" },
    });
    // Beside the stack's temporary home, removed with it.
    recipientsDir = stack.home;
    await stack.setConfig({
      ageRecipientFile: writeRecipient("age.txt", `${age.recipient}\n`),
      pgpKeyFile: writeRecipient("pgp.asc", pgp.recipient),
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emulator?.close();
    age?.dispose();
    pgp?.dispose();
  });

  it("1. a private key given by mistake fails the preview naming encryptTo, never printed, nothing sent", async () => {
    await stack.setConfig({ ageRecipientFile: writeRecipient("mistake.txt", age.privateKey()) });
    const result = await stack.run(["preview", "--non-interactive"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/encryptTo holds a private key, which must never leave its owner/);
    expect(result.output).not.toContain(age.privateKey().slice("AGE-SECRET-KEY-".length));
    expect(emulator.requests).toEqual([]);
    await stack.setConfig({ ageRecipientFile: join(recipientsDir, "age.txt") });
  });

  it("2. up: secret empty, encryptedSecret a plain output that age and gpg open to exactly the secret Flashback issued", async () => {
    await stack.succeed("up", ...UNATTENDED);
    const outputs = await stack.outputs();
    expect(outputs).toMatchObject({ ageSecret: "[secret]", pgpSecret: "[secret]" });
    expect(await stack.outputs(true)).toMatchObject({ ageSecret: "", pgpSecret: "" });
    for (const [pair, id, sealed, header] of [
      [age, outputs.ageKeyId, outputs.ageEncryptedSecret, "-----BEGIN AGE ENCRYPTED FILE-----"],
      [pgp, outputs.pgpKeyId, outputs.pgpEncryptedSecret, "-----BEGIN PGP MESSAGE-----"],
    ] as const) {
      expect(String(sealed).startsWith(header)).toBe(true);
      const plaintext = pair.decrypt(String(sealed));
      expect(emulator.store.isSecretOf(String(id), plaintext)).toBe(true);
      opened.push(plaintext);
    }
    const state = await stack.exportState(true);
    for (const key of keysInState(state)) {
      expect(key.outputs).toMatchObject({ secret: expect.anything(), encryptedSecret: expect.stringMatching(/^-----BEGIN /) });
    }
    await expectNoPlaintextAnywhere();
  });

  it("3. refresh and a second up keep encryptedSecret and write nothing", async () => {
    const before = await stack.outputs();
    emulator.requests.length = 0;
    await stack.succeed("refresh", ...UNATTENDED);
    await stack.succeed("up", ...UNATTENDED);
    expect(emulator.requests.filter((request) => request.method !== "GET")).toEqual([]);
    expect(await stack.outputs()).toEqual(before);
  });

  it("4. a new recipient replaces the key, new one first; the new ciphertext opens with the new key only", async () => {
    const before = await stack.outputs();
    const next = ageToolKeyPair();
    try {
      await stack.setConfig({ ageRecipientFile: writeRecipient("age-next.txt", next.recipient) });
      emulator.requests.length = 0;
      await stack.succeed("up", ...UNATTENDED);
      const writes = emulator.requests.filter((request) => request.method !== "GET").map((request) => request.method);
      expect(writes).toEqual(["POST", "PUT", "DELETE"]);
      const after = await stack.outputs();
      expect(after.ageKeyId).not.toBe(before.ageKeyId);
      expect(after.pgpKeyId).toBe(before.pgpKeyId);
      const plaintext = next.decrypt(String(after.ageEncryptedSecret));
      expect(emulator.store.isSecretOf(String(after.ageKeyId), plaintext)).toBe(true);
      opened.push(plaintext);
      expect(() => age.decrypt(String(after.ageEncryptedSecret))).toThrow();
      await expectNoPlaintextAnywhere();
    } finally {
      next.dispose();
    }
  });

  it("5. the OpenPGP key exported again after gpg --quick-set-expire changes nothing: the preview expects no changes, no request is sent", async () => {
    const again = pgp.exportWithExpiry("2y");
    expect(again).not.toBe(pgp.recipient);
    await stack.setConfig({ pgpKeyFile: writeRecipient("pgp-again.asc", again) });
    emulator.requests.length = 0;
    const preview = await stack.run(["preview", "--non-interactive", "--expect-no-changes"]);
    expect(preview.code, preview.output).toBe(0);
    const before = await stack.outputs();
    await stack.succeed("up", ...UNATTENDED);
    expect(await stack.outputs()).toEqual(before);
    expect(emulator.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("6. with flashback:requireEncryptTo, a plain key fails the preview, naming it; the sealed ones pass", async () => {
    await stack.setConfig({ "flashback:requireEncryptTo": "true", withPlainKey: "true" });
    const preview = await stack.run(["preview", "--non-interactive"]);
    expect(preview.code, preview.output).not.toBe(0);
    const refused = [...preview.output.matchAll(/resource '([^']+)' has a problem: encryptTo is required/g)].map((match) => match[1]);
    expect(new Set(refused)).toEqual(new Set(["plain-key"]));
    await stack.removeConfig("flashback:requireEncryptTo", "withPlainKey");
  });

  it("7. destroy deletes both keys", async () => {
    await stack.succeed("destroy", ...UNATTENDED);
    expect(emulator.store.list(TEST_REPO)).toEqual([]);
    await expectNoPlaintextAnywhere();
  });
});
