/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- static requires, for the bundler to follow */
import type { pulumiModules as Modules } from "./pulumi-modules";

/**
 * pulumi-modules.ts for the standalone executable: the same modules, named statically so that the
 * bundler puts them, and what they require, into the one file (scripts/build-plugin.ts). The
 * bundle resolves them once, at build time, from this repository's installed `@pulumi/pulumi`.
 */
export const pulumiModules: typeof Modules = {
  grpc: require("@grpc/grpc-js"),
  structProto: require("google-protobuf/google/protobuf/struct_pb"),
  emptyProto: require("google-protobuf/google/protobuf/empty_pb"),
  anyProto: require("google-protobuf/google/protobuf/any_pb"),
  providerProto: require("@pulumi/pulumi/proto/provider_pb"),
  providerGrpc: require("@pulumi/pulumi/proto/provider_grpc_pb"),
  pluginProto: require("@pulumi/pulumi/proto/plugin_pb"),
  engineProto: require("@pulumi/pulumi/proto/engine_pb"),
  engineGrpc: require("@pulumi/pulumi/proto/engine_grpc_pb"),
  statusProto: require("@pulumi/pulumi/proto/status_pb"),
} as any;
