import { emptyProto, engineGrpc, grpc } from "../../provider/engine/pulumi-protocol";

/** What a plugin sent to the engine's Log service. */
export interface LoggedMessage {
  message: string;
  urn: string;
}

/** A logged message with its LogSeverity: DEBUG 0, INFO 1, WARNING 2, ERROR 3. */
export interface LoggedWithSeverity extends LoggedMessage {
  severity: number;
}

/**
 * A stand-in for the engine's side of a plugin's life: the address a plugin is started with, which
 * it probes to see whether the engine still listens, and the Log service its warnings go to.
 */
export async function startFakeEngine(): Promise<{
  address: string;
  logged: LoggedMessage[];
  withSeverity: LoggedWithSeverity[];
  stop(): Promise<void>;
}> {
  const logged: LoggedMessage[] = [];
  const withSeverity: LoggedWithSeverity[] = [];
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, {
    log: (
      call: { request: { getMessage(): string; getUrn(): string; getSeverity(): number } },
      callback: (error: null, response: unknown) => void,
    ) => {
      const message = { message: call.request.getMessage(), urn: call.request.getUrn() };
      logged.push(message);
      withSeverity.push({ ...message, severity: call.request.getSeverity() });
      callback(null, new emptyProto.Empty());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    logged,
    withSeverity,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
