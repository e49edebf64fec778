import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { ageToolKeyPair, gpgToolKeyPair } from "../../testkit/decrypt-with-tools";
import type { CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * encryptTo through the real CLI and the plugin, in any language: with the config ageRecipientFile
 * and pgpKeyFile set (files holding an age recipient and an armored OpenPGP public key), a program
 * declares `age-key` and `pgp-key`, RepoApiKeys sealed to each, and `sealed-rotating`, a
 * RotatingRepoApiKey sealed to the age recipient at the config `sealedRotation`; it exports each
 * key's id, secret and encryptedSecret (ageKeyId, ageSecret, ageEncryptedSecret, pgp…) and the
 * component's (sealedCurrentKeyId, sealedCurrentSecret, sealedCurrentEncryptedSecret, sealedPrevious…).
 */

const AGE_ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----";
/** The first up's flags: every line the engine and the plugin log (the plugin's stdout and stderr too) goes into what the CLI prints. */
const EVERY_LOG = ["--logtostderr", "--logflow", "-v=9"];
const PGP_ARMOR = "-----BEGIN PGP MESSAGE-----";

/**
 * Up with both recipients, then one rotation of the sealed component: every ciphertext opens, with
 * Debian's `age` and `gpg` and private keys only this test holds, to exactly the secret Flashback
 * issued; every `secret` output is empty; and no plaintext is in `stack export --show-secrets`, the
 * backend's files or anything the CLI printed, the first up's verbose logs included. `up` runs
 * `pulumi up` with the flags given. Then `cleanUp`, or by default the config is removed again and
 * `up` deletes the keys.
 */
export async function expectSealedThroughCli(
  stack: CliStack,
  emulator: RunningEmulator,
  up: (...flags: string[]) => Promise<unknown>,
  options: { cleanUp?: () => Promise<void> } = {},
): Promise<void> {
  const [age, pgp] = [ageToolKeyPair(), gpgToolKeyPair()];
  const opened: string[] = [];
  const open = (pair: typeof age, id: unknown, sealed: unknown, armor: string) => {
    expect(String(sealed).startsWith(armor), `${String(sealed).slice(0, 40)} starts with ${armor}`).toBe(true);
    const plaintext = pair.decrypt(String(sealed));
    expect(emulator.store.isSecretOf(String(id), plaintext), `${String(id)}'s ciphertext opens to the secret Flashback issued`).toBe(true);
    opened.push(plaintext);
    return plaintext;
  };
  try {
    const file = (name: string, text: string) => {
      const path = join(stack.home, name);
      writeFileSync(path, text);
      return path;
    };
    await stack.setConfig({
      ageRecipientFile: file("age.txt", `${age.recipient}\n`),
      pgpKeyFile: file("pgp.asc", pgp.recipient),
      sealedRotation: "0",
    });
    await up(...EVERY_LOG);
    const first = await stack.outputs(true);
    for (const field of ["ageSecret", "pgpSecret", "sealedCurrentSecret", "sealedPreviousSecret"]) expect(first[field], field).toBe("");
    open(age, first.ageKeyId, first.ageEncryptedSecret, AGE_ARMOR);
    open(pgp, first.pgpKeyId, first.pgpEncryptedSecret, PGP_ARMOR);
    const current = open(age, first.sealedCurrentKeyId, first.sealedCurrentEncryptedSecret, AGE_ARMOR);
    open(age, first.sealedPreviousKeyId, first.sealedPreviousEncryptedSecret, AGE_ARMOR);

    // One rotation with overlap: the former current key, still valid, is previous, its ciphertext carried over.
    await stack.setConfig({ sealedRotation: "1" });
    await up();
    const second = await stack.outputs(true);
    expect(second.sealedPreviousKeyId).toBe(first.sealedCurrentKeyId);
    expect(open(age, second.sealedPreviousKeyId, second.sealedPreviousEncryptedSecret, AGE_ARMOR)).toBe(current);
    open(age, second.sealedCurrentKeyId, second.sealedCurrentEncryptedSecret, AGE_ARMOR);
    expect(second.sealedCurrentKeyId).not.toBe(first.sealedPreviousKeyId);

    await expectPlaintextNowhere(stack, opened);

    if (options.cleanUp !== undefined) return await options.cleanUp();
    await stack.removeConfig("ageRecipientFile", "pgpKeyFile", "sealedRotation");
    await up();
    expect(emulator.store.allKeys().filter((key) => key.name.startsWith("sealed-"))).toEqual([]);
  } finally {
    age.dispose();
    pgp.dispose();
  }
}

/** None of `plaintexts` in `stack export --show-secrets`, the backend's files or anything the CLI printed. */
export async function expectPlaintextNowhere(stack: CliStack, plaintexts: string[]): Promise<void> {
  expect(plaintexts.length, "secrets to look for").toBeGreaterThan(0);
  const exported = JSON.stringify(await stack.exportState(true));
  const printed = stack.printed.map((command) => command.output);
  for (const plaintext of plaintexts)
    for (const text of [exported, ...stack.backendTexts(), ...printed]) expect(text).not.toContain(plaintext);
}
