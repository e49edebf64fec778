import { engineGrpc, engineProto, grpc } from "./pulumi-protocol";

/** Messages for the user, shown by the CLI beside the resource they concern. */
export interface EngineLog {
  warn(message: string, urn: string): void;
}

/**
 * The engine's Log service, at the address the engine starts every plugin with. A plugin's stdout
 * and stderr are not shown to the user; this is how a provider warns. A log that cannot be sent is
 * dropped: it must never fail the operation it describes.
 */
export function engineLogAt(address: string | undefined): EngineLog {
  if (address === undefined || address === "") return { warn: () => undefined };
  const client = new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
  return {
    warn(message: string, urn: string): void {
      const request = new engineProto.LogRequest().setSeverity(engineProto.LogSeverity.WARNING).setMessage(message).setUrn(urn);
      client.log(request, () => undefined);
    },
  };
}
