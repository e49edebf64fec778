import type { Definition, PropertyDefinitions, PropertyDefinition } from "./property";
import { GET_REPO_API_KEY_TOKEN, GET_REPO_API_KEYS_TOKEN, LISTED_KEY_TYPE } from "./tokens";

/*
 * `getRepoApiKeys` and `getRepoApiKey`, served by the plugin's Invoke and, for TypeScript, by
 * provider/functions; their checks are lifecycle/key-lookup.ts.
 */

const repoIdArgument: PropertyDefinition = { type: "string", required: true, description: "The Flashback repository whose keys to read." };

/** One key as the functions answer it (key-lookup.ts: `ListedRepoApiKey`); never its secret. */
export const LISTED_REPO_API_KEY = {
  token: LISTED_KEY_TYPE,
  description: "One API key of a repository, as getRepoApiKeys lists it: never its secret.",
  properties: {
    repoId: { type: "string", required: true, description: "The repository the key opens." },
    id: {
      type: "string",
      required: true,
      description: "Flashback's id of the key: the id of a RepoApiKey, and with the repository its import id.",
    },
    name: { type: "string", required: true, description: "The key's name in Flashback." },
    accessType: { type: "string", required: true, description: "What the key may do, as Flashback says: READ, WRITE or ADMIN." },
    key: {
      type: "string",
      required: true,
      description: "The key id a storage client sends (the S3 access key id), not a secret; empty for Azure Blob repositories.",
    },
    createdAt: { type: "string", description: "When Flashback made the key, as Flashback writes it; absent when it does not say." },
    isReservation: {
      type: "boolean",
      required: true,
      description:
        "Whether the key's name marks it as a leftover reservation of an interrupted deployment (`pulumi-pending-…`): a key whose secret nobody holds.",
    },
    reservationState: {
      type: "string",
      required: true,
      description:
        "not-a-reservation; or, for a reservation, abandoned (its create can no longer claim it: the next deployment that writes to the repository deletes it), " +
        "in-flight (its create may still claim it) or no-proof (Flashback's answer lacks the dates to tell).",
    },
  },
} as const satisfies { token: string; description: string; properties: PropertyDefinitions };

export const GET_REPO_API_KEYS = {
  token: GET_REPO_API_KEYS_TOKEN,
  description:
    "Every API key of a Flashback repository, whoever made it: id, name, access type, key id, creation time and whether it is a leftover reservation. Never a secret.",
  inputs: { repoId: repoIdArgument },
  outputs: {
    repoId: { type: "string", required: true, description: "The repository listed." },
    keys: { type: "array", required: true, items: LISTED_KEY_TYPE, description: "Every key of the repository." },
  },
} as const satisfies Definition;

export const GET_REPO_API_KEY = {
  token: GET_REPO_API_KEY_TOKEN,
  description:
    "One API key of a Flashback repository, by its id or by its name (give exactly one). Fails naming the field when no key or several keys match. Never a secret.",
  inputs: {
    repoId: repoIdArgument,
    id: { type: "string", description: "The key's id. Give this or name." },
    name: { type: "string", description: "The key's name. Give this or id; several keys of one name fail the lookup." },
  },
  outputs: LISTED_REPO_API_KEY.properties,
} as const satisfies Definition;
