/**
 * A resource's own type, from its URN: `urn:pulumi:<stack>::<project>::<type>::<name>`, where the
 * type of a child is its parents' types and its own joined by `$` (`my:Component$flashback:index:RepoApiKey`).
 */
export function resourceTypeOf(urn: string): string | undefined {
  return urn.split("::")[2]?.split("$").pop();
}

/**
 * Whether the engine made this URN up for `exists()`: ResourceMonitor.ExistsResource names the
 * resource it reads `__exists__<n>` (Pulumi's resource/deploy/source_eval.go, IsExistsURN).
 */
export function isExistsUrn(urn: string): boolean {
  return urn.split("::")[3]?.startsWith("__exists__") === true;
}
