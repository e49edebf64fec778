import type { AccessType } from "./api";

/** Outputs that are encrypted in the state and masked by the CLI, whatever the user passes in `opts`. */
export const SECRET_OUTPUTS = ["key", "secret"] as const;

/** What the lifecycle methods receive once `check` has validated the user's inputs: plain values. */
export interface RepoApiKeyInputs {
  repoId: string;
  name: string;
  accessType: AccessType;
  /** Any text; a new value replaces the key (rotation). Absent for keys that do not rotate. */
  rotateWhenChanged?: string;
  /**
   * An age recipient or an armored OpenPGP public key. When set, the secret is encrypted to it as
   * soon as Flashback answers the create: `encryptedSecret` holds the ciphertext and `secret` is empty.
   */
  encryptTo?: string;
  /** Set by a RotatingRepoApiKey on its two keys: what it asks, and what the key remembers (lifecycle/pair-check.ts). */
  pair?: unknown;
}

/** Where a key of a RotatingRepoApiKey was made, for its sibling to read: a deployment's id, and its slot's generation before. */
export interface PairMade {
  deployment: string;
  generationBefore?: number;
}

/**
 * What the engine stores for a key. `key` and `secret` are registered as additional secret outputs,
 * so the engine encrypts them in the state.
 */
export interface RepoApiKeyOutputs extends RepoApiKeyInputs {
  key: string;
  /** Empty when `encryptTo` is set: the plaintext is kept nowhere. */
  secret: string;
  /** The secret, armored ciphertext to `encryptTo`; not a secret output, since only the recipient can open it. */
  encryptedSecret?: string;
  /**
   * Set on a key adopted by `pulumi import`, whose secret Flashback never shows again: its empty
   * `secret` is expected, not the mark of a broken create, so the key is not replaced for it.
   */
  importedWithoutSecret?: true;
  /** A key of a RotatingRepoApiKey: where it was made (its sibling reads it). */
  pairMade?: PairMade;
}
