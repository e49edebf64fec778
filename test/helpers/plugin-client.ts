import { grpc, providerGrpc } from "../../provider/engine/pulumi-protocol";
import { servePlugin, type ServeOptions } from "../../provider/plugin/serve";

/** A response of Pulumi's generated protobuf classes, which carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProtoResponse = any;

export interface PluginClient {
  /** One call of the ResourceProvider service, as the engine makes it: resolves with the response, rejects with the gRPC error. */
  call(method: string, request: unknown): Promise<ProtoResponse>;
  stop(): Promise<void>;
}

/** The plugin served in this process on a loopback port, and a gRPC client of it. */
export async function startPluginClient(options: ServeOptions = {}): Promise<PluginClient> {
  const { port, server } = await servePlugin(options);
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    call: (method, request) =>
      new Promise((resolve, reject) =>
        client[method](request, (error: unknown, response: unknown) => (error ? reject(error) : resolve(response))),
      ),
    stop: async () => {
      client.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
