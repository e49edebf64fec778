import { UNKNOWN_VALUE } from "./unknown-value";
import { pulumiModules } from "./pulumi-modules";

/*
 * Pulumi's plugin protocol as the pinned @pulumi/pulumi ships it: gRPC and the generated protobuf
 * classes (pulumi-modules.ts says where they come from), and the conventions the engine follows
 * inside a protobuf Struct (secrets, unknowns). The generated stubs carry no TypeScript types.
 */
export const { grpc, structProto, emptyProto, anyProto, providerProto, providerGrpc, pluginProto, engineProto, engineGrpc, statusProto } =
  pulumiModules;

/** How the engine marks a secret value inside a Struct. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_MARKER = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends for a value not known during preview (check-inputs.ts tolerates it). */
export { UNKNOWN_VALUE as UNKNOWN } from "./unknown-value";

/**
 * Every placeholder the engine sends for an unknown value: one per type it knows the value will
 * have (sdk/go/common/resource/sig, marshalUnknownProperty in plugin/rpc.go). A string input
 * arrives as UNKNOWN; a provider setting typed number or integer may arrive as the number one.
 */
const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set([
  UNKNOWN_VALUE,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // bool
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Whether `value` is a value the engine does not know yet. */
export function isUnknown(value: unknown): boolean {
  return UNKNOWN_SENTINELS.has(value);
}

export type Props = Record<string, unknown>;

export function toStruct(value: Props): unknown {
  return structProto.Struct.fromJavaScript(value);
}

export function fromStruct(struct: { toJavaScript(): Props } | undefined): Props {
  return struct?.toJavaScript() ?? {};
}

export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[SECRET_SIG] === SECRET_MARKER;
}

export function wrapSecret(value: unknown): Props {
  return { [SECRET_SIG]: SECRET_MARKER, value };
}

/** Plain values, and the names of the top-level fields that were secret. */
export function unwrapSecrets(props: Props): { plain: Props; secretKeys: string[] } {
  const plain: Props = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (isSecret(value)) secretKeys.push(key);
    plain[key] = isSecret(value) ? value.value : value;
  }
  return { plain, secretKeys };
}

/** `props` with the named top-level fields wrapped as secrets. */
export function wrapSecrets(props: Props, secretKeys: readonly string[]): Props {
  return Object.fromEntries(Object.entries(props).map(([key, value]) => [key, secretKeys.includes(key) ? wrapSecret(value) : value]));
}
