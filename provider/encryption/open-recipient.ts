import { loadAge, loadOpenPgp, type OpenPgpLibrary } from "./encryption-libraries";
import { PRIVATE_KEY_REFUSAL, recipientShape, type RecipientFormat } from "./recipient-shape";

/** A recipient the secret can be encrypted to: checked by its library, ready to seal. */
export interface Recipient {
  format: RecipientFormat;
  /** Who can open what it seals: the age recipient, or the OpenPGP primary key's fingerprint (recipient-identity.ts). */
  identity: string;
  /** Until when the check holds (ms since the epoch): an OpenPGP key's or its encryption subkey's expiry; age recipients never expire. */
  validUntil: number;
  /** Armored ciphertext of `plaintext` that only the recipient's private key opens. */
  encrypt(plaintext: string): Promise<string>;
}

export type OpenedRecipient = { recipient: Recipient } | { refusal: string };

type OpenPgpKey = Awaited<ReturnType<OpenPgpLibrary["readKey"]>>;

/** How an OpenPGP key is named: its primary key's fingerprint, upper-case hex as gpg prints it. */
export function fingerprintOf(key: OpenPgpKey): string {
  return key.getFingerprint().toUpperCase();
}

/** The identity of an age recipient (already lower-case: recipient-shape.ts) or of an OpenPGP primary key. */
export const ageIdentity = (text: string): string => `age:${text}`;
export const openPgpIdentity = (fingerprint: string): string => `openpgp:${fingerprint}`;

/**
 * `encryptTo` checked as far as its library can tell without the private half: an age recipient
 * the library parses; exactly one OpenPGP key, public, with a valid encryption (sub)key at `now`
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
      identity: ageIdentity(text),
      validUntil: Number.POSITIVE_INFINITY,
      encrypt: async (plaintext) => {
        const encrypter = new age.Encrypter();
        encrypter.addRecipient(text);
        return age.armor.encode(await encrypter.encrypt(plaintext));
      },
    },
  };
}

/** Every key of an armored block (`gpg --armor --export` with no key named writes them all into one), or a refusal. */
export async function readOpenPgpKeys(text: string): Promise<{ keys: [OpenPgpKey, ...OpenPgpKey[]] } | { refusal: string }> {
  const openpgp = await loadOpenPgp();
  const keys = await openpgp.readKeys({ armoredKeys: text }).catch(() => []);
  const [first, ...others] = keys;
  if (first === undefined) {
    return { refusal: "is not a readable OpenPGP public key: its armor or packets are damaged; export it again with gpg --armor --export" };
  }
  return { keys: [first, ...others] };
}

async function openOpenPgpRecipient(text: string, now: Date): Promise<OpenedRecipient> {
  const read = await readOpenPgpKeys(text);
  if ("refusal" in read) return read;
  if (read.keys.some((key) => key.isPrivate())) return { refusal: PRIVATE_KEY_REFUSAL };
  const [key] = read.keys;
  if (read.keys.length > 1) return { refusal: severalKeysRefusal(read.keys.map(fingerprintOf)) };
  const fingerprint = fingerprintOf(key);
  let encryptionKey;
  try {
    encryptionKey = await key.getEncryptionKey(undefined, now);
  } catch {
    const expires = await key.getExpirationTime().catch(() => null);
    const expired = expires instanceof Date && expires.getTime() <= now.getTime();
    return {
      refusal: expired
        ? `is an OpenPGP key (${fingerprint}) that expired on ${expires.toISOString()}: extend it (gpg --quick-set-expire) and export it again`
        : `is an OpenPGP key (${fingerprint}) with no valid encryption subkey (signing only, revoked or expired): add one (gpg --quick-add-key <fingerprint> cv25519 encr) and export it again`,
    };
  }
  const openpgp = await loadOpenPgp();
  return {
    recipient: {
      format: "openpgp",
      identity: openPgpIdentity(fingerprint),
      validUntil: Math.min(expiryMs(await key.getExpirationTime()), expiryMs(await encryptionKey.getExpirationTime())),
      encrypt: async (plaintext) =>
        openpgp.encrypt({ message: await openpgp.createMessage({ text: plaintext }), encryptionKeys: key, format: "armored" }),
    },
  };
}

/** The secret can be sealed to one key only: the library would pick the first, and whoever holds another could never read it. */
function severalKeysRefusal(fingerprints: string[]): string {
  return (
    `holds ${fingerprints.length} OpenPGP keys (${fingerprints.join(", ")}), and the secret can be sealed to one only: ` +
    "export the key of whoever must read it alone, gpg --armor --export <FINGERPRINT>, and give that"
  );
}

function expiryMs(expires: Date | number | null): number {
  return expires instanceof Date ? expires.getTime() : Number.POSITIVE_INFINITY;
}
