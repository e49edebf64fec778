import { REVOKED_KEYS } from "../rotation/key-pair-rule";
import { DEFAULT_API_URL, DEFAULTS, SETTING_KEYS, type SettingName } from "../settings/settings-keys";
import { ACCESS_TYPES } from "../types/api";
import { requiredNames, type Definition, type PropertyDefinitions } from "../definitions/property";
import { GET_REPO_API_KEY, GET_REPO_API_KEYS, LISTED_REPO_API_KEY } from "../definitions/key-functions";
import { REPO_API_KEY } from "../definitions/repo-api-key";
import { ROTATING_REPO_API_KEY } from "../definitions/rotating-repo-api-key";
import { ROTATION_SCHEDULE } from "../definitions/rotation-schedule";
import { ACCESS_TYPE_TYPE, PACKAGE_NAME, PLUGIN_DOWNLOAD_URL, PUBLIC_REPOSITORY, REVOKED_KEYS_TYPE } from "../definitions/tokens";

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
function schemaProperties(properties: PropertyDefinitions): Record<string, PropertySpec> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const spec: PropertySpec = {
        type: property.type,
        ...(property.schemaType === undefined ? {} : { $ref: `#/types/${property.schemaType}` }),
        ...(property.items === undefined ? {} : { items: { $ref: `#/types/${property.items}` } }),
        ...(property.secret === true ? { secret: true } : {}),
        description: property.description,
      };
      if (property.onChange === "replace" || property.onChange === "replace-always") spec.willReplaceOnChanges = true;
      return [name, spec];
    }),
  );
}

/** A resource's schema entry: its inputs, and its outputs after them (a component's properties are its outputs alone). */
function resourceSpec(definition: Definition): Record<string, unknown> {
  const inputs = schemaProperties(definition.inputs);
  const component = definition.component === true;
  return {
    ...(component ? { isComponent: true } : {}),
    description: definition.description,
    inputProperties: inputs,
    requiredInputs: requiredNames(definition.inputs),
    properties: { ...(component ? {} : inputs), ...schemaProperties(definition.outputs) },
    required: [...(component ? [] : requiredNames(definition.inputs)), ...requiredNames(definition.outputs)],
  };
}

/** A function's schema entry. */
function functionSpec(definition: Definition): Record<string, unknown> {
  return {
    description: definition.description,
    inputs: { properties: schemaProperties(definition.inputs), required: requiredNames(definition.inputs) },
    outputs: { properties: schemaProperties(definition.outputs), required: requiredNames(definition.outputs) },
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
      [LISTED_REPO_API_KEY.token]: {
        type: "object",
        description: LISTED_REPO_API_KEY.description,
        properties: schemaProperties(LISTED_REPO_API_KEY.properties),
        required: requiredNames(LISTED_REPO_API_KEY.properties),
      },
    },
    resources: {
      [REPO_API_KEY.token]: {
        ...resourceSpec(REPO_API_KEY),
        // What `pulumi do flashback:index:RepoApiKey list` asks for; each key it lists is an import id.
        listInputs: (functionSpec(GET_REPO_API_KEYS) as { inputs: unknown }).inputs,
      },
      [ROTATING_REPO_API_KEY.token]: resourceSpec(ROTATING_REPO_API_KEY),
      [ROTATION_SCHEDULE.token]: resourceSpec(ROTATION_SCHEDULE),
    },
    functions: Object.fromEntries([GET_REPO_API_KEYS, GET_REPO_API_KEY].map((definition) => [definition.token, functionSpec(definition)])),
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
