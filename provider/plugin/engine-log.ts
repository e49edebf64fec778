import { ENGINE_ADDRESS_PATTERN, processEngineAddress } from "../lifecycle/engine-address";
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
  if (address === undefined || !ENGINE_ADDRESS_PATTERN.test(address)) return { warn: () => undefined };
  // Made at the first warning: most runs warn never, and the protocol modules take time to load.
  let client: InstanceType<typeof engineGrpc.EngineClient> | undefined;
  return {
    warn(message: string, urn: string): void {
      client ??= new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
      const request = new engineProto.LogRequest().setSeverity(engineProto.LogSeverity.WARNING).setMessage(message).setUrn(urn);
      client.log(request, () => undefined);
    },
  };
}

/** Warnings without a resource, to the engine that started this process: the dynamic front's `warn`. */
export function processEngineWarnings(): (message: string) => void {
  const log = engineLogAt(processEngineAddress());
  return (message) => log.warn(message, "");
}
