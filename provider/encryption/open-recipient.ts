import { loadAge, loadOpenPgp } from "./encryption-libraries";
import { PRIVATE_KEY_REFUSAL, recipientShape, type RecipientFormat } from "./recipient-shape";

/** A recipient the secret can be encrypted to: checked by its library, ready to seal. */
export interface Recipient {
  format: RecipientFormat;
  /** Armored ciphertext of `plaintext` that only the recipient's private key opens. */
  encrypt(plaintext: string): Promise<string>;
}

export type OpenedRecipient = { recipient: Recipient } | { refusal: string };

/**
 * `encryptTo` checked as far as its library can tell without the private half: an age recipient
 * the library parses; an OpenPGP key that is public, and has a valid encryption (sub)key at `now`
 * (not expired, not revoked). Refusals are this package's own words: a library's message may quote the value.
 */
export async function openRecipient(value: string, now: Date = new Date()): Promise<OpenedRecipient> {
  const shape = recipientShape(value);
  if ("refusal" in shape) return shape;
  return shape.format === "age" ? openAgeRecipient(shape.text) : openOpenPgpRecipient(shape.text, now);
}

async function openAgeRecipient(text: string): Promise<OpenedRecipient> {
  const age = await loadAge();
  try {
    new age.Encrypter().addRecipient(text);
  } catch {
    return { refusal: 'is not a valid age recipient: its checksum or key type is wrong; copy the "age1…" line age-keygen printed whole' };
  }
  return {
    recipient: {
      format: "age",
      encrypt: async (plaintext) => {
        const encrypter = new age.Encrypter();
        encrypter.addRecipient(text);
        return age.armor.encode(await encrypter.encrypt(plaintext));
      },
    },
  };
}

async function openOpenPgpRecipient(text: string, now: Date): Promise<OpenedRecipient> {
  const openpgp = await loadOpenPgp();
  let key;
  try {
    key = await openpgp.readKey({ armoredKey: text });
  } catch {
    return { refusal: "is not a readable OpenPGP public key: its armor or packets are damaged; export it again with gpg --armor --export" };
  }
  if (key.isPrivate()) return { refusal: PRIVATE_KEY_REFUSAL };
  const fingerprint = key.getFingerprint().toUpperCase();
  try {
    await key.getEncryptionKey(undefined, now);
  } catch {
    const expires = await key.getExpirationTime().catch(() => null);
    const expired = expires instanceof Date && expires.getTime() <= now.getTime();
    return {
      refusal: expired
        ? `is an OpenPGP key (${fingerprint}) that expired on ${expires.toISOString()}: extend it (gpg --quick-set-expire) and export it again`
        : `is an OpenPGP key (${fingerprint}) with no valid encryption subkey (signing only, revoked or expired): add one (gpg --quick-add-key <fingerprint> cv25519 encr) and export it again`,
    };
  }
  return {
    recipient: {
      format: "openpgp",
      encrypt: async (plaintext) =>
        openpgp.encrypt({ message: await openpgp.createMessage({ text: plaintext }), encryptionKeys: key, format: "armored" }),
    },
  };
}
