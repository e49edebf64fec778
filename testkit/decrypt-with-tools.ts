import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { isExecutable } from "./find-pulumi-cli";

/*
 * Key pairs made, and ciphertexts opened, with the real `age` and `gpg` command-line tools
 * (Debian's age and gnupg packages): what a recipient of `encryptedSecret` runs. For the real-CLI
 * tests of every language; the private halves stay in a temporary folder that only the test reads.
 */

const TOOLS = ["age", "age-keygen", "gpg", "gpgconf"] as const;

/** Why the tools cannot be used here, or `undefined` when all are on the PATH. */
export function missingEncryptionTools(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  const missing = TOOLS.filter((tool) => !dirs.some((dir) => isExecutable(join(dir, tool))));
  return missing.length === 0
    ? undefined
    : `${missing.join(", ")} not on $PATH; install Debian's age and gnupg packages (apt-get install age gnupg), as .ci/run does`;
}

export interface ToolKeyPair {
  format: "age" | "openpgp";
  /** What `encryptTo` gets: the `age1…` line, or the armored public key `gpg --armor --export` prints. */
  recipient: string;
  /** The secret opened by the tool, as the recipient would: `age --decrypt -i`, or `gpg --decrypt`. */
  decrypt(armored: string): string;
  /** The private half as text (the identity line, or `gpg --armor --export-secret-keys`): for tests that give it by mistake. */
  privateKey(): string;
  /** Removes the private half (and stops gpg's agent). */
  dispose(): void;
}

/** `age-keygen -o <file>`: the identity stays in the file, the recipient is `age-keygen -y`'s line. */
export function ageToolKeyPair(): ToolKeyPair {
  const dir = mkdtempSync(join(tmpdir(), "flashback-age-"));
  const identity = join(dir, "identity.txt");
  execFileSync("age-keygen", ["-o", identity], { stdio: "ignore" });
  const recipient = execFileSync("age-keygen", ["-y", identity], { encoding: "utf8" }).trim();
  return {
    format: "age",
    recipient,
    decrypt: (armored) => execFileSync("age", ["--decrypt", "-i", identity], { input: armored, encoding: "utf8" }),
    privateKey: () =>
      readFileSync(identity, "utf8")
        .split("\n")
        .find((line) => line.startsWith("AGE-SECRET-KEY-")) ?? "",
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A gpg key pair that can also be exported again after its expiry is moved, as `gpg --quick-set-expire` does. */
export interface GpgToolKeyPair extends ToolKeyPair {
  /** Sets the expiry of the primary key and every subkey to `expire` (`2y`, say) and exports the public key again. */
  exportWithExpiry(expire: string): string;
}

/** A Curve25519 key with an encryption subkey, made by gpg in a GNUPGHOME of its own, without a passphrase. */
export function gpgToolKeyPair(userId = "Flashback Test <test@example.com>"): GpgToolKeyPair {
  const keyring = gpgKeyring();
  const fingerprint = keyring.generate(userId, "never");
  return {
    format: "openpgp",
    recipient: keyring.exportArmored(fingerprint),
    decrypt: (armored) => keyring.gpg(["--decrypt"], armored),
    privateKey: () => keyring.gpg(["--armor", "--export-secret-keys", fingerprint]).trim(),
    exportWithExpiry: (expire) => {
      keyring.setExpiry(fingerprint, expire);
      return keyring.exportArmored(fingerprint);
    },
    dispose: keyring.dispose,
  };
}

/**
 * A GNUPGHOME of its own where a test makes several keys and exports them as a user would: many
 * keys into one block (`gpg --armor --export <address>`), one by its fingerprint, and one again
 * after its expiry was moved (`gpg --quick-set-expire`). No private half leaves it.
 */
export interface GpgKeyring {
  /** `gpg --quick-generate-key`, with an encryption subkey; the new key's fingerprint. */
  generate(userId: string, expire: string): string;
  /** `gpg --armor --export` of what `names` name (fingerprints or an address): one armored block. */
  exportArmored(...names: string[]): string;
  /** `gpg --quick-set-expire` of the primary key and of every subkey. */
  setExpiry(fingerprint: string, expire: string): void;
  /** Any other gpg command in this home, batch and without a passphrase; what it printed. */
  gpg(args: string[], input?: string): string;
  /** Stops gpg's agent and removes the home, private keys included. */
  dispose(): void;
}

export function gpgKeyring(): GpgKeyring {
  const home = mkdtempSync(join(tmpdir(), "flashback-gpg-"));
  const env = { ...process.env, GNUPGHOME: home };
  const gpg = (args: string[], input?: string): string =>
    execFileSync("gpg", ["--batch", "--quiet", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "", ...args], {
      env,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      ...(input === undefined ? {} : { input }),
    });
  const fingerprints = (): string[] =>
    gpg(["--with-colons", "--list-keys"])
      .split("\n")
      .filter((line, index, lines) => line.startsWith("fpr:") && lines[index - 1]?.startsWith("pub:"))
      .map((line) => line.split(":")[9] ?? "");
  return {
    generate: (userId, expire) => {
      const before = new Set(fingerprints());
      // --yes: an address may hold an old and a new key, as users' keyrings do.
      gpg(["--yes", "--quick-generate-key", userId, "future-default", "default", expire]);
      const made = fingerprints().find((fingerprint) => !before.has(fingerprint));
      if (made === undefined) throw new Error(`gpg made no key for ${userId}`);
      return made;
    },
    exportArmored: (...names) => gpg(["--armor", "--export", ...names]).trim(),
    setExpiry: (fingerprint, expire) => {
      gpg(["--quick-set-expire", fingerprint, expire]);
      gpg(["--quick-set-expire", fingerprint, expire, "*"]);
    },
    gpg,
    dispose: () => {
      try {
        execFileSync("gpgconf", ["--kill", "gpg-agent"], { env, stdio: "ignore" });
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}
