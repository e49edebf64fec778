import { openRecipient, type OpenedRecipient, type Recipient } from "./open-recipient";
import { recipientIdentity } from "./recipient-identity";

/*
 * Recipients opened once per provider process and distinct text: a deployment checks every key
 * with the same few recipients twice (preview, then up), and parsing and verifying an OpenPGP key
 * costs milliseconds where a plain key's whole Check costs microseconds.
 */

/** Distinct recipients remembered; an armored key may weigh tens of kilobytes, so the memory is bounded. */
export const MAX_REMEMBERED_RECIPIENTS = 256;

const opened = new Map<string, Promise<OpenedRecipient>>();
const identities = new Map<string, Promise<string | undefined>>();

/**
 * `openRecipient`, remembered while the check holds: an accepted recipient until its key expires,
 * then opened again (and refused). A refusal is not remembered: it ends the deployment anyway.
 */
export async function openRecipientCached(value: string, now: Date = new Date()): Promise<OpenedRecipient> {
  const known = opened.get(value);
  if (known !== undefined) {
    const result = await known;
    if ("recipient" in result && stillValid(result.recipient, now)) return result;
  }
  const opening = openRecipient(value, now);
  remember(opened, value, opening);
  const result = await opening;
  if ("refusal" in result && opened.get(value) === opening) opened.delete(value);
  return result;
}

/**
 * Whether two `encryptTo` values seal to the same reader: the same text, or the same identity
 * (recipient-identity.ts). A value whose identity cannot be read counts as different from any other text.
 */
export async function sameRecipient(a: unknown, b: unknown): Promise<boolean> {
  if (a === b) return true;
  if (typeof a !== "string" || typeof b !== "string") return false;
  const [left, right] = await Promise.all([identityCached(a), identityCached(b)]);
  return left !== undefined && left === right;
}

function identityCached(value: string): Promise<string | undefined> {
  let identity = identities.get(value);
  if (identity === undefined) {
    identity = recipientIdentity(value);
    remember(identities, value, identity);
  }
  return identity;
}

function stillValid(recipient: Recipient, now: Date): boolean {
  return now.getTime() < recipient.validUntil;
}

/** Insertion order is age: the oldest entry goes when the memory is full. */
function remember<T>(memory: Map<string, T>, key: string, value: T): void {
  memory.delete(key);
  memory.set(key, value);
  if (memory.size > MAX_REMEMBERED_RECIPIENTS) memory.delete(memory.keys().next().value as string);
}
