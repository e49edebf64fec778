import { REVOKED_KEYS } from "../rotation/key-pair-rule";
import { DEFAULT_API_URL, DEFAULTS, SETTING_KEYS, type SettingName } from "../settings/settings-keys";
import { ACCESS_TYPES } from "../types/api";
import { requiredNames, type Definition, type Properties } from "../definitions/property";
import { REPO_API_KEY } from "../definitions/repo-api-key";
import {
  ACCESS_TYPE_TYPE,
  GET_REPO_API_KEY_TOKEN,
  GET_REPO_API_KEYS_TOKEN,
  LISTED_KEY_TYPE,
  PACKAGE_NAME,
  PLUGIN_DOWNLOAD_URL,
  PUBLIC_REPOSITORY,
  REPO_API_KEY_TOKEN,
  REVOKED_KEYS_TYPE,
  ROTATING_REPO_API_KEY_TOKEN,
  ROTATION_SCHEDULE_TOKEN,
} from "../definitions/tokens";
import { MAX_EVERY_DAYS } from "../schedule/rotation-schedule";

type PropertySpec = {
  type: string;
  description: string;
  secret?: boolean;
  $ref?: string;
  willReplaceOnChanges?: boolean;
  items?: { $ref: string };
};

function defaultText(name: SettingName): string {
  const fallback = name === "apiUrl" ? DEFAULT_API_URL : (DEFAULTS as Record<string, number | boolean | undefined>)[name];
  const env = `Read from the environment variable ${SETTING_KEYS[name].env} when not set`;
  return fallback === undefined ? `${env}.` : `${env}; default ${fallback}.`;
}

/** The provider's settings, as stack config (`flashback:accessToken`) and as an explicit provider's inputs. */
function settingProperties(): Record<string, PropertySpec> {
  return Object.fromEntries(
    (Object.keys(SETTING_KEYS) as SettingName[]).map((name) => {
      const setting = SETTING_KEYS[name];
      const spec: PropertySpec = { type: setting.type, description: `${setting.description} ${defaultText(name)}` };
      if (setting.secret) spec.secret = true;
      return [name, spec];
    }),
  );
}

/**
 * A definition's properties as the schema declares them. `willReplaceOnChanges` documents what the
 * plugin's Diff replaces. Not `replaceOnChanges`: that one makes every generated SDK set the resource
 * option of that name, the user's way to force a replace the provider would not make
 * (pulumi/pulumi#9017), and would duplicate in each language what the Diff already decides.
 */
function schemaProperties(properties: Properties): Record<string, PropertySpec> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const spec: PropertySpec = {
        type: property.type,
        ...(property.schemaType === undefined ? {} : { $ref: `#/types/${property.schemaType}` }),
        ...(property.secret === true ? { secret: true } : {}),
        description: property.description,
      };
      if (property.onChange === "replace" || property.onChange === "replace-always") spec.willReplaceOnChanges = true;
      return [name, spec];
    }),
  );
}

/** A resource's schema entry: its inputs, and its outputs after them. */
function resourceSpec(definition: Definition): Record<string, unknown> {
  const inputs = schemaProperties(definition.inputs);
  return {
    description: definition.description,
    inputProperties: inputs,
    requiredInputs: requiredNames(definition.inputs),
    properties: { ...inputs, ...schemaProperties(definition.outputs) },
    required: [...requiredNames(definition.inputs), ...requiredNames(definition.outputs)],
  };
}

/** A RotationSchedule's inputs (schedule/rotation-schedule.ts holds its rule). */
const scheduleInputs: Record<string, PropertySpec> = {
  everyDays: {
    type: "number",
    description: `The period, in days: greater than 0 and at most ${MAX_EVERY_DAYS}; fractions allowed. Changing it steps nothing by itself.`,
  },
  rotation: {
    type: "integer",
    description:
      "Optional: a whole number of at least 0 you may still raise by hand. The schedule starts at it; a deployment that sees it higher than the last one did steps once.",
  },
};

/** The schedule as a resource of the plugin: outputs known at preview, updated in place, never replaced. */
function rotationScheduleSpec(): Record<string, unknown> {
  return {
    description:
      "A rotation number that goes up by exactly one at the first deployment after each period, with nobody raising it, and never more than one per deployment: " +
      "feed `rotation` to a rotating key. It stores when it last stepped; it calls nobody.",
    inputProperties: scheduleInputs,
    requiredInputs: ["everyDays"],
    properties: {
      everyDays: scheduleInputs.everyDays,
      rotation: { type: "integer", description: "The rotation number: starts at the input rotation or 0, and goes up by one per step." },
      rotatedAt: { type: "string", description: "When the last step was taken (or the schedule made), ISO 8601 in UTC." },
      nextRotationAfter: { type: "string", description: "rotatedAt plus one period: the first deployment from then on steps." },
      seenCounter: { type: "integer", description: "The input rotation as the last deployment saw it; absent when none is given." },
    },
    required: ["everyDays", "rotation", "rotatedAt", "nextRotationAfter"],
  };
}

const repoIdArgument: PropertySpec = { type: "string", description: "The Flashback repository whose keys to read." };

/** One key as the functions answer it (key-lookup.ts: `ListedRepoApiKey`); never its secret. */
const listedKeyProperties: Record<string, PropertySpec> = {
  repoId: { type: "string", description: "The repository the key opens." },
  id: { type: "string", description: "Flashback's id of the key: the id of a RepoApiKey, and with the repository its import id." },
  name: { type: "string", description: "The key's name in Flashback." },
  accessType: { type: "string", description: "What the key may do, as Flashback says: READ, WRITE or ADMIN." },
  key: {
    type: "string",
    description: "The key id a storage client sends (the S3 access key id), not a secret; empty for Azure Blob repositories.",
  },
  createdAt: { type: "string", description: "When Flashback made the key, as Flashback writes it; absent when it does not say." },
  isReservation: {
    type: "boolean",
    description:
      "Whether the key's name marks it as a leftover reservation of an interrupted deployment (`pulumi-pending-…`): a key whose secret nobody holds.",
  },
  reservationState: {
    type: "string",
    description:
      "not-a-reservation; or, for a reservation, abandoned (its create can no longer claim it: the next deployment that writes to the repository deletes it), " +
      "in-flight (its create may still claim it) or no-proof (Flashback's answer lacks the dates to tell).",
  },
};
const LISTED_KEY_REQUIRED = ["repoId", "id", "name", "accessType", "key", "isReservation", "reservationState"];

/** `getRepoApiKeys` and `getRepoApiKey`, served by the plugin's Invoke and, for TypeScript, by provider/functions. */
function functionSpecs(): Record<string, unknown> {
  return {
    [GET_REPO_API_KEYS_TOKEN]: {
      description:
        "Every API key of a Flashback repository, whoever made it: id, name, access type, key id, creation time and whether it is a leftover reservation. Never a secret.",
      inputs: { properties: { repoId: repoIdArgument }, required: ["repoId"] },
      outputs: {
        properties: {
          repoId: { type: "string", description: "The repository listed." },
          keys: { type: "array", items: { $ref: `#/types/${LISTED_KEY_TYPE}` }, description: "Every key of the repository." },
        },
        required: ["repoId", "keys"],
      },
    },
    [GET_REPO_API_KEY_TOKEN]: {
      description:
        "One API key of a Flashback repository, by its id or by its name (give exactly one). Fails naming the field when no key or several keys match. Never a secret.",
      inputs: {
        properties: {
          repoId: repoIdArgument,
          id: { type: "string", description: "The key's id. Give this or name." },
          name: { type: "string", description: "The key's name. Give this or id; several keys of one name fail the lookup." },
        },
        required: ["repoId"],
      },
      outputs: { properties: listedKeyProperties, required: LISTED_KEY_REQUIRED },
    },
  };
}

/** The component the plugin's Construct serves (construct.ts), with the TypeScript class's inputs and outputs. */
function rotatingRepoApiKeySpec(): Record<string, unknown> {
  const output = (description: string, secret: boolean): PropertySpec => ({ type: "string", description, ...(secret ? { secret } : {}) });
  return {
    isComponent: true,
    description:
      "Two repository API keys that take turns, `<name>-a` and `<name>-b`: each rotation replaces the older key, which makes the new one " +
      "current while the former current key stays valid as previous for one more period. Keys and secrets are secret.",
    inputProperties: {
      repoId: { type: "string", description: "The repository both keys open." },
      name: { type: "string", description: "Base name; the two keys are named `<name>-a` and `<name>-b` in Flashback." },
      accessType: { type: "string", $ref: `#/types/${ACCESS_TYPE_TYPE}`, description: "The access level of both keys." },
      rotation: {
        type: "integer",
        description:
          "A whole number of at least 0; each rise, of any size, rotates once: the older of the two keys is replaced, at most one per deployment. " +
          "Required unless rotateEveryDays is given; beside it, a counter you may still raise by hand for a rotation now.",
      },
      rotateEveryDays: {
        type: "number",
        description:
          "A schedule: rotate at the first deployment once this many days have passed since the last rotation, with nobody raising a number. " +
          "The component keeps a RotationSchedule child, `<name>-schedule`, that stores when it last rotated and steps at most once per deployment.",
      },
      encryptTo: {
        type: "string",
        description:
          "Who may read the secrets: an age recipient (`age1…`, `age1pq1…`) or an armored block of exactly one OpenPGP public key, as on RepoApiKey. Both keys' secrets are " +
          "then encrypted to it (currentEncryptedSecret, previousEncryptedSecret) and currentSecret and previousSecret stay empty. Another recipient replaces both keys; " +
          "the same key exported again replaces nothing.",
      },
      revokeKeys: {
        type: "string",
        $ref: `#/types/${REVOKED_KEYS_TYPE}`,
        description: "Which keys a revocation replaces: current (the default), previous or both. Used with revokeWhenChanged.",
      },
      revokeWhenChanged: {
        type: "string",
        description:
          "For a leaked key: each new value revokes the keys revokeKeys names at the next deployment, which makes a new key in each one's place " +
          "and deletes the old one at its end.",
      },
    },
    requiredInputs: ["repoId", "name", "accessType"],
    properties: {
      currentKey: output("The key id of the newest key.", true),
      currentSecret: output("The secret of the newest key.", true),
      currentKeyId: output("Flashback's id of the newest key.", false),
      previousKey: output("The key id of the key before it, still valid until the next rotation.", true),
      previousSecret: output("The secret of the key before it.", true),
      previousKeyId: output("Flashback's id of the key before it.", false),
      currentEncryptedSecret: output(
        "With encryptTo: the newest key's secret as armored ciphertext for the recipient (currentSecret is then empty).",
        false,
      ),
      previousEncryptedSecret: output("With encryptTo: the previous key's secret as armored ciphertext for the recipient.", false),
    },
    required: ["currentKey", "currentSecret", "currentKeyId", "previousKey", "previousSecret", "previousKeyId"],
  };
}

/**
 * The package schema `pulumi package add` and `gen-sdk` read. The resource's inputs and outputs are
 * the dynamic `RepoApiKey`'s; `key` and `secret` are secret, so every generated SDK marks them so.
 */
export function packageSchema(version: string): Record<string, unknown> {
  const settings = settingProperties();
  return {
    name: PACKAGE_NAME,
    displayName: "Flashback",
    version,
    description: "Flashback repository API keys: the key and secret an S3, GCS or Azure client uses to reach a Flashback repository.",
    keywords: ["pulumi", "flashback", "storage", "category/cloud"],
    homepage: "https://flashback.tech",
    repository: `https://${PUBLIC_REPOSITORY}`,
    pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
    license: "Apache-2.0",
    publisher: "Flashback",
    config: { variables: settings },
    provider: { description: "The Flashback provider: where the API is and how to sign in.", inputProperties: settings },
    types: {
      [ACCESS_TYPE_TYPE]: {
        type: "string",
        description: "A repository API key's access level.",
        enum: ACCESS_TYPES.map((value) => ({ value, name: value.charAt(0) + value.slice(1).toLowerCase() })),
      },
      [REVOKED_KEYS_TYPE]: {
        type: "string",
        description: "Which keys of a RotatingRepoApiKey a revocation replaces.",
        enum: REVOKED_KEYS.map((value) => ({ value, name: value.charAt(0).toUpperCase() + value.slice(1) })),
      },
      [LISTED_KEY_TYPE]: {
        type: "object",
        description: "One API key of a repository, as getRepoApiKeys lists it: never its secret.",
        properties: listedKeyProperties,
        required: LISTED_KEY_REQUIRED,
      },
    },
    resources: {
      [REPO_API_KEY_TOKEN]: {
        ...resourceSpec(REPO_API_KEY),
        // What `pulumi do flashback:index:RepoApiKey list` asks for; each key it lists is an import id.
        listInputs: { properties: { repoId: repoIdArgument }, required: ["repoId"] },
      },
      [ROTATING_REPO_API_KEY_TOKEN]: rotatingRepoApiKeySpec(),
      [ROTATION_SCHEDULE_TOKEN]: rotationScheduleSpec(),
    },
    functions: functionSpecs(),
    // No nodejs block: TypeScript's one package is @flashbacktech/pulumi (the dynamic resource); an SDK of
    // the plugin's resource for TypeScript is one `pulumi package add` generates in the program (README).
    language: {
      // The version of the schema, the one of package.json, in every SDK and its pulumi-plugin.json.
      python: { packageName: "pulumi_flashback", requires: { pulumi: ">=3.0.0,<4.0.0" }, respectSchemaVersion: true },
      go: { importBasePath: `${PUBLIC_REPOSITORY}/sdk/go/flashback`, generateResourceContainerTypes: true, respectSchemaVersion: true },
      csharp: { rootNamespace: "FlashbackTech", packageReferences: { Pulumi: "3.*" } },
      java: { basePackage: "tech.flashback", buildFiles: "gradle", dependencies: { "com.pulumi:pulumi": "1.0.0" } },
    },
  };
}
