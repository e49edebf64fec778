import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { gpgKeyring, type GpgKeyring } from "../../testkit/decrypt-with-tools";
import { encryptionToolsSuite } from "../../testkit/encryption-tools-suite";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";

/*
 * Who a recipient is, under the real CLI from YAML with Debian's gpg, as users export keys: an
 * address with two keys exports a block of both, which preview refuses naming each; the key
 * exported again after `gpg --quick-set-expire` replaces nothing, neither a RepoApiKey nor the
 * two keys of a RotatingRepoApiKey; and `flashback:requireEncryptTo` fails the preview of every
 * plain key, naming it.
 */

const suite = encryptionToolsSuite("encryptTo by identity and requireEncryptTo, from YAML with gpg's keys", { languageHost: "yaml" });
const ADDRESS = "Flashback Reader <reader@example.com>";
/** Base64 lines of an armored key: none may be printed back. */
const keyMaterial = (armored: string): string[] => armored.split("\n").filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;
  let keyring: GpgKeyring;
  const writeKey = (armored: string): void => writeFileSync(join(stack.home, "reader.asc"), `${armored}\n`);
  const ids = (): string[] =>
    emulator.store
      .list(TEST_REPO)
      .map((key) => key.id)
      .sort();

  beforeAll(async () => {
    emulator = await startTestEmulator();
    stack = await cliStackOnEmulator(emulator, {
      programDir: join(__dirname, "programs", "yaml-encrypt-to-identity"),
      stackName: "yaml-encrypt-to-identity",
    });
    await stack.setConfig({ pgpKeyFile: join(stack.home, "reader.asc") });
    keyring = gpgKeyring();
  });

  afterAll(async () => {
    keyring?.dispose();
    await stack?.dispose();
    await emulator?.close();
  });

  it("an address with an old and a new key exports a block of both: preview refuses it naming both fingerprints, echoing no key", async () => {
    const older = keyring.generate(ADDRESS, "1y");
    const newer = keyring.generate(ADDRESS, "1y");
    const block = keyring.exportArmored("reader@example.com");
    writeKey(block);
    const preview = await stack.run(["preview", "--non-interactive"]);
    expect(preview.code, preview.output).not.toBe(0);
    expect(preview.output).toContain(`encryptTo holds 2 OpenPGP keys (${older}, ${newer})`);
    expect(preview.output).toContain("gpg --armor --export <FINGERPRINT>");
    for (const line of keyMaterial(block)) expect(preview.output).not.toContain(line);
    expect(emulator.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("the key exported again after gpg --quick-set-expire replaces nothing: not the RepoApiKey, not the component's two keys", async () => {
    const fingerprint = keyring.generate("Flashback Rotating Reader <rotating@example.com>", "1y");
    writeKey(keyring.exportArmored(fingerprint));
    await stack.succeed("up", ...UNATTENDED);
    const before = ids();
    expect(before).toHaveLength(6);
    const first = keyring.exportArmored(fingerprint);

    keyring.setExpiry(fingerprint, "2y");
    const again = keyring.exportArmored(fingerprint);
    expect(again).not.toBe(first);
    writeKey(again);
    const preview = await stack.run(["preview", "--non-interactive", "--expect-no-changes", "--diff"]);
    expect(preview.code, preview.output).toBe(0);
    expect(preview.output).not.toMatch(/replace/);
    await stack.succeed("up", ...UNATTENDED);
    expect(ids()).toEqual(before);
  });

  it("with flashback:requireEncryptTo, preview fails naming each plain key, the component's two included, and no sealed one", async () => {
    await stack.setConfig({ "flashback:requireEncryptTo": "true" });
    const refusedBy = async (...flags: string[]): Promise<string[]> => {
      const preview = await stack.run(["preview", "--non-interactive", ...flags]);
      expect(preview.code, preview.output).not.toBe(0);
      expect(preview.output).toContain("stack config flashback:requireEncryptTo is true, so every key must be sealed");
      return [
        ...new Set([...preview.output.matchAll(/resource '([^']+)' has a problem: encryptTo is required/g)].map((match) => match[1] ?? "")),
      ];
    };
    // The engine stops at a preview's first failure: each next key is previewed without the ones before it.
    expect(await refusedBy()).toEqual(["plain-key"]);
    const [firstChild = ""] = await refusedBy("--exclude", "**plain-key");
    const [secondChild = ""] = await refusedBy("--exclude", "**plain-key", "--exclude", `**${firstChild}`);
    expect([firstChild, secondChild].sort()).toEqual(["plain-rotating-a", "plain-rotating-b"]);
    await stack.removeConfig("flashback:requireEncryptTo");
  });
});
