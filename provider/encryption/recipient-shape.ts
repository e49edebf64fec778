/**
 * What `encryptTo` may hold, told apart by shape alone (no library loaded): an age recipient or
 * one ASCII-armored OpenPGP public key. Private keys are recognised so that the refusal can say
 * what went wrong without ever repeating the value.
 */
export type RecipientFormat = "age" | "openpgp";

export type RecipientShape = { format: RecipientFormat; text: string } | { refusal: string };

/** An armored key with many signatures runs to tens of kilobytes; beyond this it is not a key. */
export const MAX_ENCRYPT_TO_LENGTH = 100_000;

const PGP_PUBLIC_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const PGP_PUBLIC_END = "-----END PGP PUBLIC KEY BLOCK-----";
/**
 * age's identities (`AGE-SECRET-KEY-1…`, plugins' `AGE-PLUGIN-…`), OpenPGP's secret key blocks, and
 * any PEM private key pasted by mistake (OpenSSH, PKCS#1, PKCS#8, encrypted or not).
 */
const PRIVATE_KEY_MARKERS = [
  /AGE-SECRET-KEY-/i,
  /AGE-PLUGIN-[A-Z0-9]+-1/i,
  /-----BEGIN PGP (PRIVATE|SECRET) KEY BLOCK-----/,
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/,
];
/**
 * Bech32 with the human-readable part `age` (X25519) or `age1pq` (post-quantum hybrid), then data
 * characters only (the library checks the checksum and the key's length).
 */
const AGE_RECIPIENT = /^(age|age1pq)1[02-9ac-hj-np-z]{6,}$/;
/** Tag recipients: the library takes them, but checks their P-256 point only when it encrypts, so a bad one would pass preview and fail the create. */
const AGE_TAG_RECIPIENT = /^age1tag(pq)?1/;

export const ALLOWED_RECIPIENTS =
  'an age recipient ("age1…" from age-keygen, or a post-quantum "age1pq1…") or one ASCII-armored OpenPGP public key ("-----BEGIN PGP PUBLIC KEY BLOCK-----")';

/** The private-key refusal, worded once: it is what both checks say, and it never holds the value. */
export const PRIVATE_KEY_REFUSAL =
  "holds a private key, which must never leave its owner: give its public half (age-keygen -y, or gpg --armor --export). The value is not repeated here and is not stored";

export function hasPrivateKeyMarker(value: string): boolean {
  return PRIVATE_KEY_MARKERS.some((marker) => marker.test(value));
}

/**
 * The recipient as stored: line endings and surrounding blank space do not make another key, nor
 * does an age recipient in capitals (bech32 defines the all-upper form as the same string, for QR codes).
 */
export function normalizeRecipient(value: string): string {
  const text = value.replace(/\r\n?/g, "\n").trim();
  return isAgeLike(text) && text === text.toUpperCase() ? text.toLowerCase() : text;
}

function isAgeLike(text: string): boolean {
  return /^age1/i.test(text);
}

export function recipientShape(value: string): RecipientShape {
  if (hasPrivateKeyMarker(value)) return { refusal: PRIVATE_KEY_REFUSAL };
  if (value.length > MAX_ENCRYPT_TO_LENGTH) {
    return { refusal: `must be at most ${MAX_ENCRYPT_TO_LENGTH} characters; got ${value.length}` };
  }
  const text = normalizeRecipient(value);
  if (isAgeLike(text)) {
    if (text !== text.toLowerCase()) {
      return {
        refusal:
          'is an age recipient that mixes upper- and lower-case letters, which bech32 forbids; copy the "age1…" line age-keygen printed whole',
      };
    }
    if (AGE_TAG_RECIPIENT.test(text)) {
      return {
        refusal: `is an age tag recipient ("age1tag1…", "age1tagpq1…"), which this provider does not seal to; give ${ALLOWED_RECIPIENTS}`,
      };
    }
    return AGE_RECIPIENT.test(text)
      ? { format: "age", text }
      : { refusal: `is not a well-formed age recipient: it must be "age1" followed by bech32 characters only; give ${ALLOWED_RECIPIENTS}` };
  }
  if (text.startsWith(PGP_PUBLIC_BEGIN)) {
    if (!text.endsWith(PGP_PUBLIC_END) || text.split(PGP_PUBLIC_BEGIN).length !== 2) {
      return {
        refusal: `must hold exactly one armored OpenPGP public key block, from its BEGIN line to its END line; give ${ALLOWED_RECIPIENTS}`,
      };
    }
    return { format: "openpgp", text };
  }
  return { refusal: `must be ${ALLOWED_RECIPIENTS}` };
}
