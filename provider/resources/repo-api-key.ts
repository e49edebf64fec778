import * as pulumi from "@pulumi/pulumi";
import { deploymentScope } from "../lifecycle/reservation";
import { repoApiKeyProviderStub } from "../dynamic/stub";
import { ResourceOptionError } from "../errors/resource-option-error";
import { maskSecretsInSdkLogs } from "../errors/sdk-runtime-redaction";
import { IMPORT_ID_FORMAT } from "../lifecycle/import-id";
import { REPO_API_KEY_TOKEN } from "../definitions/tokens";
import { pickProperties, type OutputsOf } from "../definitions/property";
import { REPO_API_KEY, SECRET_OUTPUTS, type PairMade } from "../definitions/repo-api-key";
import type { RepoApiKeyArgs } from "../definitions/repo-api-key";

export { SECRET_OUTPUTS };

/**
 * A Flashback repository API key: the key id and secret that a storage client (an S3, GCS or Azure
 * SDK) uses to reach a Flashback repository.
 *
 * ```ts
 * const reader = new RepoApiKey("ci-reader", { repoId, name: "ci-reader", accessType: "READ" });
 * export const accessKey = reader.key;    // secret
 * export const secretKey = reader.secret; // secret
 * ```
 *
 * The provider reads its settings at run time: the token from the stack config
 * `flashback:accessToken` (set it with `pulumi config set --secret`) or the environment variable
 * `FLASHBACK_ACCESS_TOKEN`; the endpoint from `flashback:apiUrl` or `FLASHBACK_API_URL`.
 * The resource id is Flashback's id of the key.
 */
// The class's outputs for its inputs (repoId, name, accessType, rotateWhenChanged, encryptTo) come
// from its definition, merged in below, so that a new input is an output of the class without an edit here.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class RepoApiKey extends pulumi.dynamic.Resource {
  /**
   * The key id a storage client sends (the S3 access key id; the client email for GCS). Empty for
   * Azure Blob repositories. Always a secret output.
   */
  declare readonly key: pulumi.Output<string>;
  /**
   * The secret that goes with `key`. Flashback shows it once, at creation; it lives only in the
   * (encrypted) state. Always a secret output. Empty when `encryptTo` is set.
   */
  declare readonly secret: pulumi.Output<string>;
  /**
   * With `encryptTo`: the secret as armored ciphertext (age or OpenPGP) that only the recipient's
   * private key opens. Not a secret output: it can be printed or handed over as it is.
   */
  declare readonly encryptedSecret: pulumi.Output<string | undefined>;
  /** A key of a RotatingRepoApiKey: where it was made, which its sibling reads. Undefined for any other key. */
  declare readonly pairMade: pulumi.Output<PairMade | undefined>;

  constructor(name: string, args: RepoApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    refuseImport(name, opts?.import);
    // The program's SDK runtime logs the engine's answer, the key's secret outputs included.
    maskSecretsInSdkLogs();
    super(
      repoApiKeyProviderStub(currentDeploymentScope()),
      name,
      {
        ...pickProperties(REPO_API_KEY.inputs, args),
        // Set only by RotatingRepoApiKey on its two keys (resources/rotating-key-pair.ts).
        pair: (args as RepoApiKeyArgs & { pair?: unknown }).pair,
        key: undefined,
        secret: undefined,
        encryptedSecret: undefined,
        pairMade: undefined,
      },
      { ...opts, additionalSecretOutputs: mergeSecretOutputs(opts?.additionalSecretOutputs) },
      "flashback",
      "RepoApiKey",
    );
  }
}

/** The inputs as the key holds them: described in REPO_API_KEY, declared by the base class's constructor. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface RepoApiKey extends OutputsOf<typeof REPO_API_KEY.inputs> {}

/**
 * Pulumi's dynamic-provider host finds a resource's code in its stored `__provider`, and a key it is
 * asked to import has none, so the engine's import would fail with the host's own riddle
 * ("code must be a string, not undefined"). Say instead what works.
 */
function refuseImport(name: string, importId: pulumi.Input<string> | undefined): void {
  if (importId === undefined) return;
  const which = typeof importId === "string" ? ` "${importId}"` : "";
  throw new ResourceOptionError(
    "import",
    `RepoApiKey "${name}": the import option cannot adopt key${which} into the dynamic RepoApiKey, since Pulumi's dynamic provider ` +
      `cannot read a resource it did not create. Adopt it with the plugin's resource ${REPO_API_KEY_TOKEN} ` +
      `(\`pulumi package add flashback\`; its import id is ${IMPORT_ID_FORMAT}), or remove the option to have this stack create a new key`,
  );
}

/** The program knows its stack; the provider process is not told it. */
function currentDeploymentScope(): string {
  return deploymentScope({ organization: organizationOrEmpty(), project: pulumi.getProject(), stack: pulumi.getStack() });
}

/** Older engines and some test runners set no organization; the project and stack still tell stacks apart. */
function organizationOrEmpty(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "";
  }
}

function mergeSecretOutputs(fromUser: string[] | undefined): string[] {
  return [...new Set([...(fromUser ?? []), ...SECRET_OUTPUTS])];
}
