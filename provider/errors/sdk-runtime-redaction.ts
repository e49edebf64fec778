/* eslint-disable @typescript-eslint/no-require-imports -- the SDK's internal runtime, named statically for the bundler */
import { isSecret } from "../engine/pulumi-protocol";
import { maskRuntimeSecrets, runtimeSecrets } from "./runtime-secrets";

/*
 * Pulumi's Node.js SDK runtime logs each resource monitor answer at debug level, outputs included
 * ("RegisterResource RPC finished: …; resp: urn:…,secret,…"), which `pulumi up --debug` and the event
 * log then show. Here every value the runtime sends or receives marked secret (or named in
 * `additionalSecretOutputs`) is learnt from the monitor client, before the runtime logs the answer,
 * and masked in every message of the SDK's log functions, whichever sink (engine or console) they use.
 */
const settings: { getMonitor(): object | undefined } = require("@pulumi/pulumi/runtime/settings");
const sdkLog: Record<LogLevel, (message: string, ...rest: unknown[]) => unknown> = require("@pulumi/pulumi/log");

type LogLevel = "debug" | "info" | "warn" | "error";
type Message = Record<string, unknown>;
type Callback = (error: unknown, response?: Message) => void;

/** The fields of the monitor's messages that carry properties (a Struct): inputs, outputs, arguments, results. */
const PROPERTY_GETTERS = ["getObject", "getOutputs", "getProperties", "getArgs", "getReturn"];
const MONITOR_METHODS = ["registerResource", "registerResourceOutputs", "readResource", "invoke", "call"];
const watched = new WeakSet<object>();
let logMasked = false;

/**
 * Masks secrets in this process's SDK runtime logs from now on: the log functions at once, the
 * monitor client the runtime uses now (a Construct gets its own, so each calls this again).
 */
export function maskSecretsInSdkLogs(): void {
  maskLogFunctions();
  const monitor = settings.getMonitor();
  if (monitor !== undefined && !watched.has(monitor)) learnSecretsFrom(monitor as Record<string, unknown>);
}

function maskLogFunctions(): void {
  if (logMasked) return;
  logMasked = true;
  for (const level of ["debug", "info", "warn", "error"] as const) {
    const write = sdkLog[level];
    sdkLog[level] = (message, ...rest) => write(maskRuntimeSecrets(message), ...rest);
  }
}

function learnSecretsFrom(monitor: Record<string, unknown>): void {
  watched.add(monitor);
  for (const method of MONITOR_METHODS) {
    const send = monitor[method];
    if (typeof send !== "function") continue;
    monitor[method] = (request: Message, ...rest: unknown[]) => {
      const named =
        typeof request.getAdditionalsecretoutputsList === "function" ? (request.getAdditionalsecretoutputsList() as string[]) : [];
      learnSecrets(request, []);
      const answer = rest.pop() as Callback;
      return send.call(monitor, request, ...rest, (error: unknown, response?: Message) => {
        if (response !== undefined) learnSecrets(response, named);
        answer(error, response);
      });
    };
  }
}

/** Notes the secret values of a message's properties, and those of the top-level fields `named`. */
function learnSecrets(message: Message, named: readonly string[]): void {
  for (const getter of PROPERTY_GETTERS) {
    const struct = typeof message[getter] === "function" ? (message[getter] as () => unknown)() : undefined;
    if (!isStruct(struct)) continue;
    const properties = struct.toJavaScript();
    for (const field of named)
      noteStrings(isSecret(properties[field]) ? (properties[field] as { value: unknown }).value : properties[field]);
    noteSecretValues(properties);
  }
}

function noteSecretValues(value: unknown): void {
  if (isSecret(value)) noteStrings(value.value);
  else if (typeof value === "object" && value !== null) Object.values(value).forEach(noteSecretValues);
}

function noteStrings(value: unknown): void {
  if (typeof value === "string") runtimeSecrets.add(value);
  else if (typeof value === "object" && value !== null) Object.values(value).forEach(noteStrings);
}

function isStruct(value: unknown): value is { toJavaScript(): Record<string, unknown> } {
  return typeof value === "object" && value !== null && typeof (value as Message).toJavaScript === "function";
}
