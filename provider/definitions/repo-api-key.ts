import { recipientShape } from "../encryption/recipient-shape";
import { ACCESS_TYPES, type AccessType } from "../types/api";
import type { ArgsOf, Definition, ValuesOf } from "./property";
import { KEY_NAME_RULES, REPO_ID_RULES, ROTATION_TRIGGER_RULES } from "./rules";
import { ACCESS_TYPE_TYPE, REPO_API_KEY_TOKEN } from "./tokens";

/** The access levels, typed so that derived argument types name `AccessType`. */
const ACCESS_LEVELS: readonly AccessType[] = ACCESS_TYPES;

/** A recipient's shape; what only its library can tell (a checksum, an expiry) is the lifecycle's `checkFully`. */
const recipientRule = (value: string): string | undefined => {
  const shape = recipientShape(value);
  return "refusal" in shape ? shape.refusal : undefined;
};

/**
 * `RepoApiKey`. The diff replaces the key when `repoId` or `rotateWhenChanged` gets a new value and
 * whenever `encryptTo` changes (the provider keeps no plaintext to seal again); Flashback's PUT
 * renames it or changes its access type in place.
 */
export const REPO_API_KEY = {
  token: REPO_API_KEY_TOKEN,
  description:
    "A Flashback repository API key. Flashback shows its secret once, at creation; the provider keeps it encrypted in the state. " +
    "Import with `pulumi import flashback:index:RepoApiKey <name> <repoId>/<keyId>` (the secret cannot be imported).",
  inputs: {
    /** The Flashback repository the key opens. A new value replaces the key. */
    repoId: {
      type: "string",
      required: true,
      onChange: "replace",
      rules: REPO_ID_RULES,
      description: "The Flashback repository the key opens. A new value replaces the key.",
    },
    /** The key's name in Flashback. A new value renames the key in place. */
    name: {
      type: "string",
      required: true,
      onChange: "update",
      rules: KEY_NAME_RULES,
      description: "The key's name in Flashback. A new value renames the key in place.",
    },
    /** What the key may do: READ, WRITE or ADMIN. Updated in place. */
    accessType: {
      type: "string",
      required: true,
      onChange: "update",
      values: ACCESS_LEVELS,
      schemaType: ACCESS_TYPE_TYPE,
      description: "What the key may do: READ, WRITE or ADMIN. Updated in place.",
    },
    /**
     * Any text; a new value replaces the key with a new one, created before the old one is deleted
     * (rotation). Removing it replaces nothing.
     */
    rotateWhenChanged: {
      type: "string",
      onChange: "replace",
      rules: ROTATION_TRIGGER_RULES,
      description:
        "Any text; a new value replaces the key with a new one, created before the old one is deleted (rotation). Removing it replaces nothing.",
    },
    /**
     * An age recipient (age1…, age1pq1…) or an ASCII-armored block holding exactly one OpenPGP
     * public key. The secret is encrypted to it as soon as Flashback answers the create:
     * encryptedSecret holds the ciphertext and secret stays empty. Another recipient (another age
     * recipient, another OpenPGP primary key), added or removed, replaces the key; the same key
     * exported again (a new expiry) replaces nothing.
     */
    encryptTo: {
      type: "string",
      onChange: "replace-always",
      rules: [recipientRule],
      refusedUnnamed: true,
      description:
        "An age recipient (age1…, age1pq1…) or an ASCII-armored block holding exactly one OpenPGP public key. The secret is encrypted to it as soon as Flashback answers the create: " +
        "encryptedSecret holds the ciphertext and secret stays empty. Another recipient (another age recipient, another OpenPGP primary key), added or removed, replaces the key; " +
        "the same key exported again (a new expiry) replaces nothing.",
    },
  },
  outputs: {
    key: {
      type: "string",
      required: true,
      secret: true,
      description: "The key id a storage client sends (the S3 access key id; the client email for GCS). Empty for Azure Blob repositories.",
    },
    secret: {
      type: "string",
      required: true,
      secret: true,
      description:
        "The secret that goes with `key`. Empty for an imported key (Flashback shows it only once) and for a key with encryptTo.",
    },
    encryptedSecret: {
      type: "string",
      description:
        "With encryptTo: the secret as armored ciphertext (age or OpenPGP) that only the recipient's private key opens. " +
        "Not secret: print it or hand it over as it is. Empty for an imported key.",
    },
    importedWithoutSecret: {
      type: "boolean",
      description:
        "True for a key adopted with `pulumi import`, whose secret Flashback never shows again: its empty `secret` is expected, " +
        "so the key is kept rather than replaced. Unset for a key the provider created.",
    },
  },
} as const satisfies Definition;

/** Outputs that are encrypted in the state and masked by the CLI, whatever the user passes in `opts`. */
export const SECRET_OUTPUTS = ["key", "secret"] as const satisfies readonly (keyof typeof REPO_API_KEY.outputs)[];

/** The inputs of a `RepoApiKey`, as a program gives them (each may be an Output); described in REPO_API_KEY. */
// An interface rather than an alias, so that editors and error messages call it by its name.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RepoApiKeyArgs extends ArgsOf<typeof REPO_API_KEY.inputs> {}

/** What the lifecycle methods receive once `check` has validated the user's inputs: plain values. */
export interface RepoApiKeyInputs extends ValuesOf<typeof REPO_API_KEY.inputs> {
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
