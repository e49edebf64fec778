import { engineProbeAt } from "../engine/engine-liveness";
import { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";
import { routeUnhandledRejections, unhandledRejectionMessage } from "./construct-scope";
import { engineLogAt, type EngineLog } from "../engine/engine-log";
import { grpc, providerGrpc } from "../engine/pulumi-protocol";
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
  routeUnhandledRejections((reason) => reportOutsideAnyConstruct(reason, log, (text) => service.redact(text)));
  const server = new grpc.Server();
  server.addService(providerGrpc.ResourceProviderService, service.handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, server };
}

/**
 * A rejection no Construct made, handled as Pulumi's own Node.js provider host handles every one
 * (@pulumi/pulumi/provider/server.js): logged to the engine as an error, which fails the deployment,
 * and the process's exit code made 1. Unlike that host it fails no call in flight: a Create cut short
 * while its request goes on would leave a key in Flashback that no state holds.
 */
function reportOutsideAnyConstruct(reason: unknown, log: EngineLog, redact: (text: string) => string): void {
  const message = redact(unhandledRejectionMessage(reason));
  log.error(message, "");
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}
