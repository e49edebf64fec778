import { loadAge, loadOpenPgp } from "../provider/encryption/encryption-libraries";

/*
 * Key pairs made and ciphertexts opened in this process, with the same libraries the provider
 * seals with: for unit and provider tests and the bench. The real-CLI tests open ciphertexts with
 * the real `age` and `gpg` tools instead (decrypt-with-tools.ts).
 */

export interface TestKeyPair {
  /** What `encryptTo` gets: the age recipient or the armored OpenPGP public key. */
  recipient: string;
  /** The private half, which only the test holds. */
  privateKey: string;
}

export async function ageKeyPair(): Promise<TestKeyPair> {
  const age = await loadAge();
  const privateKey = await age.generateX25519Identity();
  return { recipient: await age.identityToRecipient(privateKey), privateKey };
}

export interface OpenPgpKeyOptions {
  /** No encryption subkey: a key that can only sign. */
  signOnly?: boolean;
  /** Made this long ago with a one-second lifetime: expired. */
  expired?: boolean;
}

export async function openPgpKeyPair(options: OpenPgpKeyOptions = {}): Promise<TestKeyPair> {
  const openpgp = await loadOpenPgp();
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "curve25519Legacy",
    userIDs: [{ name: "flashback test", email: "test@example.com" }],
    format: "armored",
    ...(options.signOnly ? { subkeys: [] } : {}),
    ...(options.expired ? { keyExpirationTime: 1, date: new Date(Date.now() - 60_000) } : {}),
  });
  return { recipient: publicKey, privateKey };
}

/** An age post-quantum (ML-KEM-768 + X25519) key pair: the recipient is `age1pq1…`. */
export async function agePostQuantumKeyPair(): Promise<TestKeyPair> {
  const age = await loadAge();
  const privateKey = await age.generateHybridIdentity();
  return { recipient: await age.identityToRecipient(privateKey), privateKey };
}

/**
 * The same key exported again after its expiry was set anew (`gpg --quick-set-expire`): new
 * self-signatures, so another text, and the same key material and fingerprint.
 */
export async function reExportedWithExpiry(pair: TestKeyPair, days: number): Promise<string> {
  const openpgp = await loadOpenPgp();
  const { publicKey } = await openpgp.reformatKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: pair.privateKey }),
    userIDs: [{ name: "flashback test", email: "test@example.com" }],
    keyExpirationTime: days * 86_400,
    format: "armored",
  });
  return publicKey;
}

/** One armored block holding every key given, as `gpg --armor --export` writes it when no key is named. */
export async function openPgpBlockOf(...pairs: TestKeyPair[]): Promise<string> {
  const openpgp = await loadOpenPgp();
  const keys = await Promise.all(pairs.map((pair) => openpgp.readKey({ armoredKey: pair.recipient })));
  const packets = keys.map((key) => key.write());
  const body = new Uint8Array(packets.reduce((length, bytes) => length + bytes.length, 0));
  packets.reduce((offset, bytes) => (body.set(bytes, offset), offset + bytes.length), 0);
  return openpgp.armor(openpgp.enums.armor.publicKey, body);
}

/** The primary key's fingerprint, upper-case hex as gpg prints it. */
export async function fingerprintOfKey(armoredKey: string): Promise<string> {
  return (await (await loadOpenPgp()).readKey({ armoredKey })).getFingerprint().toUpperCase();
}

export async function decryptAgeInProcess(armored: string, privateKey: string): Promise<string> {
  const age = await loadAge();
  const decrypter = new age.Decrypter();
  decrypter.addIdentity(privateKey);
  return decrypter.decrypt(age.armor.decode(armored), "text");
}

export async function decryptOpenPgpInProcess(armored: string, privateKey: string): Promise<string> {
  const openpgp = await loadOpenPgp();
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: armored }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
  });
  return data as string;
}
