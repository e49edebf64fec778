import { ageIdentity, fingerprintOf, openPgpIdentity, readOpenPgpKeys } from "./open-recipient";
import { recipientShape } from "./recipient-shape";

/**
 * Who can open what `encryptTo` seals, read from the value as a state stores it: the age
 * recipient, or the fingerprint of the OpenPGP primary key (the first key of a block: states that
 * earlier releases wrote from a block of several keys are sealed to it). A re-export of the same key, with new
 * signatures or a new expiry, has the same identity. `undefined` when the value names nobody readable.
 */
export async function recipientIdentity(value: string): Promise<string | undefined> {
  const shape = recipientShape(value);
  if ("refusal" in shape) return undefined;
  if (shape.format === "age") return ageIdentity(shape.text);
  const read = await readOpenPgpKeys(shape.text);
  return "refusal" in read ? undefined : openPgpIdentity(fingerprintOf(read.keys[0]));
}
