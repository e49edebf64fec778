import { engineProbeAt } from "../lifecycle/engine-liveness";
import { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";
import { engineLogAt } from "./engine-log";
import { grpc, providerGrpc } from "./pulumi-protocol";
import { ResourceProviderService } from "./resource-provider-service";
import { packageVersion } from "./package-version";

export interface ServeOptions {
  /** The engine's address, the plugin's first argument: for warnings and the check that the engine still listens. */
  engineAddress?: string;
  /** The lifecycle to serve; one of this process by default, reading the environment as the dynamic resource does. */
  lifecycle?: RepoApiKeyLifecycle;
}

/** Starts the plugin's gRPC server on a free loopback port and returns it and the port. */
export async function servePlugin(options: ServeOptions = {}): Promise<{ port: number; server: InstanceType<typeof grpc.Server> }> {
  const log = engineLogAt(options.engineAddress);
  const service = new ResourceProviderService(
    options.lifecycle ?? new RepoApiKeyLifecycle({ engineListening: engineProbeAt(options.engineAddress) }),
    packageVersion(),
    log,
    options.engineAddress,
  );
  const server = new grpc.Server();
  server.addService(providerGrpc.ResourceProviderService, service.handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, server };
}
