import { REVOKED_KEYS, type RevokedKeys } from "../rotation/key-pair-rule";
import { ACCESS_TYPES, type AccessType } from "../types/api";
import type { ArgsOf, Definition, PropertyDefinition } from "./property";
import { ACCESS_TYPE_TYPE, REVOKED_KEYS_TYPE, ROTATING_REPO_API_KEY_TOKEN } from "./tokens";

const ACCESS_LEVELS: readonly AccessType[] = ACCESS_TYPES;
const REVOCATIONS: readonly RevokedKeys[] = REVOKED_KEYS;

const output = (description: string, secret: boolean, required: boolean): PropertyDefinition => ({
  type: "string",
  description,
  ...(secret ? { secret: true } : {}),
  ...(required ? { required: true } : {}),
});

/**
 * `RotatingRepoApiKey`, a component: the TypeScript class and the plugin's Construct
 * (plugin/construct.ts) take these inputs and answer these outputs; its rule is
 * resources/rotating-key-pair.ts.
 */
export const ROTATING_REPO_API_KEY = {
  token: ROTATING_REPO_API_KEY_TOKEN,
  component: true,
  description:
    "Two repository API keys that take turns, `<name>-a` and `<name>-b`: each rotation replaces the older key, which makes the new one " +
    "current while the former current key stays valid as previous for one more period. Keys and secrets are secret.",
  inputs: {
    /** The repository both keys open. */
    repoId: { type: "string", required: true, description: "The repository both keys open." },
    /** Base name; the two keys are named `<name>-a` and `<name>-b` in Flashback. */
    name: { type: "string", required: true, description: "Base name; the two keys are named `<name>-a` and `<name>-b` in Flashback." },
    /** The access level of both keys. */
    accessType: {
      type: "string",
      required: true,
      values: ACCESS_LEVELS,
      schemaType: ACCESS_TYPE_TYPE,
      description: "The access level of both keys.",
    },
    /**
     * A whole number of at least 0; each rise, of any size, rotates once: the older of the two keys
     * is replaced, at most one per deployment. Required unless rotateEveryDays is given; beside it,
     * a counter you may still raise by hand for a rotation now.
     */
    rotation: {
      type: "integer",
      description:
        "A whole number of at least 0; each rise, of any size, rotates once: the older of the two keys is replaced, at most one per deployment. " +
        "Required unless rotateEveryDays is given; beside it, a counter you may still raise by hand for a rotation now.",
    },
    /**
     * A schedule: rotate at the first deployment once this many days have passed since the last
     * rotation, with nobody raising a number. The component keeps a RotationSchedule child,
     * `<name>-schedule`, that stores when it last rotated and steps at most once per deployment.
     */
    rotateEveryDays: {
      type: "number",
      description:
        "A schedule: rotate at the first deployment once this many days have passed since the last rotation, with nobody raising a number. " +
        "The component keeps a RotationSchedule child, `<name>-schedule`, that stores when it last rotated and steps at most once per deployment.",
    },
    /**
     * Who may read the secrets: an age recipient (`age1…`, `age1pq1…`) or an armored block of
     * exactly one OpenPGP public key, as on RepoApiKey. Both keys' secrets are then encrypted to it
     * (currentEncryptedSecret, previousEncryptedSecret) and currentSecret and previousSecret stay
     * empty. Another recipient replaces both keys; the same key exported again replaces nothing.
     */
    encryptTo: {
      type: "string",
      description:
        "Who may read the secrets: an age recipient (`age1…`, `age1pq1…`) or an armored block of exactly one OpenPGP public key, as on RepoApiKey. Both keys' secrets are " +
        "then encrypted to it (currentEncryptedSecret, previousEncryptedSecret) and currentSecret and previousSecret stay empty. Another recipient replaces both keys; " +
        "the same key exported again replaces nothing.",
    },
    /**
     * Which keys a revocation replaces: current (the default), previous or both. Used with
     * revokeWhenChanged.
     */
    revokeKeys: {
      type: "string",
      values: REVOCATIONS,
      schemaType: REVOKED_KEYS_TYPE,
      description: "Which keys a revocation replaces: current (the default), previous or both. Used with revokeWhenChanged.",
    },
    /**
     * For a leaked key: each new value revokes the keys revokeKeys names at the next deployment,
     * which makes a new key in each one's place and deletes the old one at its end.
     */
    revokeWhenChanged: {
      type: "string",
      description:
        "For a leaked key: each new value revokes the keys revokeKeys names at the next deployment, which makes a new key in each one's place " +
        "and deletes the old one at its end.",
    },
  },
  outputs: {
    currentKey: output("The key id of the newest key.", true, true),
    currentSecret: output("The secret of the newest key.", true, true),
    currentKeyId: output("Flashback's id of the newest key.", false, true),
    previousKey: output("The key id of the key before it, still valid until the next rotation.", true, true),
    previousSecret: output("The secret of the key before it.", true, true),
    previousKeyId: output("Flashback's id of the key before it.", false, true),
    currentEncryptedSecret: output(
      "With encryptTo: the newest key's secret as armored ciphertext for the recipient (currentSecret is then empty).",
      false,
      false,
    ),
    previousEncryptedSecret: output("With encryptTo: the previous key's secret as armored ciphertext for the recipient.", false, false),
  },
} as const satisfies Definition & { component: true };

/** The inputs of a `RotatingRepoApiKey`, in every language; described in ROTATING_REPO_API_KEY. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RotatingRepoApiKeyArgs extends ArgsOf<typeof ROTATING_REPO_API_KEY.inputs> {}
