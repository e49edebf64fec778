import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ageKeyPair, decryptAgeInProcess, type TestKeyPair } from "../../testkit/encryption-keys";

/** The age identity sealed keys are sealed to: made once per test process, its private half held by the model alone. */
let pair: Promise<TestKeyPair> | undefined;
let webCrypto: ((on: boolean) => void) | undefined;

export interface ModelReader {
  /** What `encryptTo` names. */
  recipient: string;
  /** Opens a ciphertext sealed to `recipient`, within virtual time: from a lifecycle call. */
  open(armored: string): Promise<string>;
  /** The same, faster, once the run's scheduler is done: its X25519 runs on Node's thread pool. */
  openAfterRun(armored: string): Promise<string>;
}

export async function modelReader(): Promise<ModelReader> {
  pair ??= computeOnThisThread().then(ageKeyPair);
  const { recipient, privateKey } = await pair;
  const open = (armored: string): Promise<string> => decryptAgeInProcess(armored, privateKey);
  return {
    recipient,
    open,
    openAfterRun: async (armored) => {
      webCrypto?.(true);
      try {
        return await open(armored);
      } finally {
        webCrypto?.(false);
      }
    },
  };
}

/**
 * age computes X25519 with WebCrypto, which runs on Node's thread pool: work outside virtual time,
 * which the scheduler would not wait for (a round would end with a create still sealing) and whose
 * end would fall between steps by the machine's load. Its own fallback (noble, on this thread) keeps
 * every step where the scheduler puts it; the sealing code path is the same.
 */
async function computeOnThisThread(): Promise<void> {
  const x25519 = pathToFileURL(join(__dirname, "..", "..", "node_modules", "age-encryption", "dist", "x25519.js")).href;
  const module = (await import(x25519)) as { forceWebCryptoOff(off: boolean): void };
  webCrypto = (on) => module.forceWebCryptoOff(!on);
  webCrypto(false);
}
