import type * as pulumi from "@pulumi/pulumi";
import type { AccessType } from "../types/api";

/** The inputs of a `RepoApiKey`. */
export interface RepoApiKeyArgs {
  /**
   * The Flashback repository the key opens. Changing it replaces the key: a new key is made in the
   * new repository before the old one is deleted.
   */
  repoId: pulumi.Input<string>;
  /** A name for the key, shown in Flashback's console. 1 to 255 characters. Changing it updates the key in place. */
  name: pulumi.Input<string>;
  /**
   * What the key may do: `"READ"`, `"WRITE"` or `"ADMIN"` (upper case). Changing it updates the key
   * in place; the key and secret stay the same.
   */
  accessType: pulumi.Input<AccessType>;
  /**
   * Rotation: any text (a date, a quarter, a counter) whose change replaces the key with a new one.
   * The new key is created before the old one is deleted, so consumers updated in the same
   * deployment never hold a revoked key. Up to 1,024 characters; leave it out for a key that never
   * rotates.
   */
  rotateWhenChanged?: pulumi.Input<string>;
  /**
   * Who may read the secret: an age recipient (`age1…`, from `age-keygen`) or one ASCII-armored
   * OpenPGP public key. The secret is encrypted to it as soon as Flashback answers the create;
   * `encryptedSecret` holds the armored ciphertext and `secret` stays empty, so nobody who reads the
   * state can read the secret. Changing, adding or removing it replaces the key (created first).
   */
  encryptTo?: pulumi.Input<string>;
}
