import { ENGINE_ADDRESS_PATTERN, processEngineAddress } from "./engine-address";
import { engineGrpc, engineProto, grpc } from "./pulumi-protocol";

/** Messages for the user, shown by the CLI beside the resource they concern. */
export interface EngineLog {
  warn(message: string, urn: string): void;
  /** An error fails the deployment once its steps in flight are done. */
  error(message: string, urn: string): void;
}

/**
 * The engine's Log service, at the address the engine starts every plugin with. A plugin's stdout
 * and stderr are not shown to the user; this is how a provider warns. A log that cannot be sent is
 * dropped: it must never fail the operation it describes.
 */
export function engineLogAt(address: string | undefined): EngineLog {
  if (address === undefined || !ENGINE_ADDRESS_PATTERN.test(address)) return { warn: () => undefined, error: () => undefined };
  // Made at the first message: most runs send none, and the protocol modules take time to load.
  let client: InstanceType<typeof engineGrpc.EngineClient> | undefined;
  const send = (severity: number) => (message: string, urn: string) => {
    client ??= new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
    client.log(new engineProto.LogRequest().setSeverity(severity).setMessage(message).setUrn(urn), () => undefined);
  };
  return { warn: send(engineProto.LogSeverity.WARNING), error: send(engineProto.LogSeverity.ERROR) };
}

/** Warnings without a resource, to the engine that started this process: the dynamic front's `warn`. */
export function processEngineWarnings(): (message: string) => void {
  const log = engineLogAt(processEngineAddress());
  return (message) => log.warn(message, "");
}
