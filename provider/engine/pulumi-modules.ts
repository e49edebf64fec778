import { createRequire } from "node:module";
import type * as grpcJs from "@grpc/grpc-js";

/**
 * Requires a module as `@pulumi/pulumi` itself resolves it: its generated protobuf classes, and the
 * gRPC and protobuf runtimes they were generated against, so that every message this package
 * builds is of the classes the engine's other plugins use, whatever else the program installed.
 */
export const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));

/*
 * The modules the plugin's protocol needs. The standalone executable has no node_modules to
 * resolve from: its bundler swaps this file for pulumi-modules.bundled.ts, which names the same
 * modules statically (scripts/build-plugin.ts).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the generated stubs carry no types */
export const pulumiModules = {
  grpc: pulumiRequire("@grpc/grpc-js") as typeof grpcJs,
  structProto: pulumiRequire("google-protobuf/google/protobuf/struct_pb") as any,
  emptyProto: pulumiRequire("google-protobuf/google/protobuf/empty_pb") as any,
  anyProto: pulumiRequire("google-protobuf/google/protobuf/any_pb") as any,
  providerProto: pulumiRequire("./proto/provider_pb") as any,
  providerGrpc: pulumiRequire("./proto/provider_grpc_pb") as any,
  pluginProto: pulumiRequire("./proto/plugin_pb") as any,
  engineProto: pulumiRequire("./proto/engine_pb") as any,
  engineGrpc: pulumiRequire("./proto/engine_grpc_pb") as any,
  statusProto: pulumiRequire("./proto/status_pb") as any,
};
/* eslint-enable @typescript-eslint/no-explicit-any */
