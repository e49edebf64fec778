import { connect } from "node:net";
import { ENGINE_ADDRESS_PATTERN, processEngineAddress } from "./engine-address";

/** Whether the Pulumi engine that sent the current call can still receive its answer. */
export type EngineProbe = () => Promise<boolean>;

const PROBE_TIMEOUT_MS = 1_000;

/**
 * A provider process is started with the engine's address among its arguments (Pulumi's plugin
 * protocol), and the engine serves it from the CLI process. When that address refuses connections,
 * the CLI is gone: a key created now would reach nobody, while its secret exists nowhere else.
 * Anything but a refusal counts as alive, so a slow or unusual host never loses a key.
 */
export function engineProbeFromArgv(argv: readonly string[] = process.argv): EngineProbe {
  return engineProbeAt(processEngineAddress(argv));
}

/** The probe of one address; a missing or unreadable address always answers "alive". */
export function engineProbeAt(address: string | undefined): EngineProbe {
  const match = ENGINE_ADDRESS_PATTERN.exec(address ?? "");
  if (match?.groups === undefined) return async () => true;
  const host = match.groups.host!.replace(/^\[|\]$/g, "");
  const port = Number(match.groups.port);
  return () => isListening(host, port);
}

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const settle = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => settle(true));
    socket.once("connect", () => settle(true));
    socket.once("error", (error: NodeJS.ErrnoException) => settle(error.code !== "ECONNREFUSED"));
  });
}
