import { pulumiRequire } from "../../provider/engine/pulumi-modules";

/*
 * The protocol helpers are the provider's engine I/O (provider/engine/pulumi-protocol.ts); the mini
 * engine adds the resource monitor's messages and the SDK's own entry points. These are internals
 * of the exactly pinned SDK, not public API.
 */
export {
  grpc,
  structProto,
  emptyProto,
  providerProto,
  providerGrpc,
  statusProto,
  SECRET_SIG,
  SECRET_MARKER,
  UNKNOWN,
  toStruct,
  fromStruct,
  isSecret,
  wrapSecret,
  unwrapSecrets,
  type Props,
} from "../../provider/engine/pulumi-protocol";

/* eslint-disable @typescript-eslint/no-explicit-any */
export const resourceProto: any = pulumiRequire("./proto/resource_pb");
export const resourceGrpc: any = pulumiRequire("./proto/resource_grpc_pb");
/* eslint-enable @typescript-eslint/no-explicit-any */

export const PULUMI_DIR = require.resolve("@pulumi/pulumi/package.json").replace(/package\.json$/, "");
export const DYNAMIC_PROVIDER_ENTRY = `${PULUMI_DIR}cmd/dynamic-provider/index.js`;
export const PROGRAM_RUNNER_ENTRY = `${PULUMI_DIR}cmd/run/index.js`;
