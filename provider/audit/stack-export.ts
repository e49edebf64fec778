import { StackExportError } from "../errors/stack-export-error";
import { PACKAGE_NAME, REPO_API_KEY_TOKEN } from "../definitions/tokens";

/**
 * The type tokens of a Flashback key in a state: the dynamic resource's (what `dynamic.Resource`
 * makes of the module and type resources/repo-api-key.ts gives it) and the plugin's. Keys a `RotatingRepoApiKey`
 * holds are resources of one of these types too, its children.
 */
export const MANAGED_KEY_TYPES: readonly string[] = [`pulumi-nodejs:dynamic/${PACKAGE_NAME}:RepoApiKey`, REPO_API_KEY_TOKEN];

/**
 * A key one stack's state holds: what identifies it, and nothing else. No other value of the state is
 * kept, so none can be printed, even from an export made with `--show-secrets`.
 */
export interface ManagedKey {
  id: string;
  urn: string;
  /** `<project>/<stack>`, read from the URN. */
  stack: string;
  /** The key's repository where the state holds it in plain text; undefined where it is a secret (ciphertext). */
  repoId: string | undefined;
  /** The export it was read from: its path, or `-` for standard input. */
  source: string;
  /**
   * The option that leaves the key in Flashback, still working, when the state lets it go: `retainOnDelete`
   * (on the key, or on the RotatingRepoApiKey that holds it) or `deletedWith` another resource.
   */
  keptOnDelete?: "retainOnDelete" | "deletedWith";
}

/** The keys in a `pulumi stack export` (the whole `{version, deployment}` or the deployment alone). */
export function managedKeysIn(text: string, source: string): ManagedKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Node's own message quotes the text it choked on, which may be a secret: say only where.
    throw new StackExportError(`${source} is not JSON: give the output of \`pulumi stack export\``);
  }
  const deployment = isRecord(parsed) && isRecord(parsed.deployment) ? parsed.deployment : parsed;
  if (!isRecord(deployment) || !Array.isArray(deployment.resources)) {
    throw new StackExportError(`${source} has no deployment with a resources list: give the output of \`pulumi stack export\``);
  }
  return deployment.resources.flatMap((resource) => toManagedKey(resource, source));
}

function toManagedKey(resource: unknown, source: string): ManagedKey[] {
  if (!isRecord(resource) || typeof resource.type !== "string" || !MANAGED_KEY_TYPES.includes(resource.type)) return [];
  if (typeof resource.urn !== "string" || typeof resource.id !== "string" || resource.id === "") return [];
  const keptOnDelete = resource.retainOnDelete === true ? "retainOnDelete" : resource.deletedWith ? "deletedWith" : undefined;
  return [
    {
      id: resource.id,
      urn: resource.urn,
      stack: stackOfUrn(resource.urn),
      repoId: plainRepoId(resource),
      source,
      ...(keptOnDelete === undefined ? {} : { keptOnDelete }),
    },
  ];
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` -> `<project>/<stack>`. */
export function stackOfUrn(urn: string): string {
  const [head = "", project = ""] = urn.split("::");
  return `${project}/${head.replace(/^urn:pulumi:/, "")}`;
}

/** The repoId of the outputs, else the inputs, when it is a plain string (a secret one is an object of ciphertext). */
function plainRepoId(resource: Record<string, unknown>): string | undefined {
  for (const properties of [resource.outputs, resource.inputs]) {
    if (isRecord(properties) && typeof properties.repoId === "string") return properties.repoId;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
