#!/usr/bin/env node
/*
 * `pulumi-language-nodejs` for the CLI that `npm run setup:pulumi` builds.
 *
 * Pulumi's own Node.js language host is a Go module of its own (sdk/nodejs/cmd/pulumi-language-nodejs)
 * that the module proxy reachable here refuses at every version, so this stands in for it. It does
 * what the Go host's `Run` does and nothing more: it starts the program runner of the program's own
 * `@pulumi/pulumi` (`cmd/run`) with the engine's monitor address, the stack config in
 * `PULUMI_CONFIG` and the TypeScript switch, and reports how it exited. The engine, the
 * checkpoints, the providers and the program runner are all Pulumi's. A machine with Pulumi's
 * installer gets the real host, and `setup:pulumi` then uses that CLI as it is.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type * as grpcJs from "@grpc/grpc-js";
import { emptyProto, grpc, pluginProto } from "../../provider/plugin/pulumi-protocol";

const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf stubs carry no types */
const languageProto: any = pulumiRequire("./proto/language_pb");
const languageGrpc: any = pulumiRequire("./proto/language_grpc_pb");

/** The version this host reports: the CLI's (tools/pulumi/go.mod), which `setup:pulumi` puts in its wrapper. */
const HOST_VERSION = (process.env.FLASHBACK_PULUMI_CLI_VERSION ?? "v0.0.0").replace(/^v/, "");

/** The program runner's code for "the user already saw an actionable message": the engine bails quietly. */
const EXITED_AFTER_USER_MESSAGE = 32;

type Callback = (error: grpcJs.ServiceError | null, response?: unknown) => void;
type Call = { request: any };

const running = new Set<ChildProcess>();
let engineAddress = process.argv.slice(2).find((arg) => !arg.startsWith("-")) ?? "";

/** Config keys arrive as `ns:key`; the program runner still reads them as `ns:config:key`, as the Go host writes them. */
function toRunnerConfig(configMap: Map<string, string> | undefined): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of configMap?.entries() ?? []) {
    const separator = key.indexOf(":");
    config[separator < 0 ? key : `${key.slice(0, separator)}:config:${key.slice(separator + 1)}`] = value;
  }
  return config;
}

/** `runtime.options` of Pulumi.yaml, with the Go host's defaults: TypeScript on unless switched off. */
function runtimeOptions(info: any): { typescript: boolean; tsconfig?: string; nodeargs: string[] } {
  const options = (info?.getOptions()?.toJavaScript() ?? {}) as Record<string, unknown>;
  return {
    typescript: options.typescript !== false,
    ...(typeof options.tsconfig === "string" ? { tsconfig: options.tsconfig } : {}),
    nodeargs: typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
  };
}

function runnerArguments(request: any, runPath: string, programDirectory: string, entryPoint: string): string[] {
  const args = [runPath, "--monitor", request.getMonitorAddress()];
  const optional: Array<[string, string]> = [
    ["engine", engineAddress],
    ["organization", request.getOrganization()],
    ["project", request.getProject()],
    ["root-directory", request.getInfo()?.getRootDirectory() ?? ""],
    ["stack", request.getStack()],
    ["pwd", programDirectory],
  ];
  for (const [flag, value] of optional) if (value) args.push(`--${flag}`, value);
  if (request.getDryrun()) args.push("--dry-run");
  args.push("--parallel", String(request.getParallel()), entryPoint, ...request.getArgsList());
  return args;
}

function run(call: Call, callback: Callback): void {
  const request = call.request;
  const info = request.getInfo();
  const programDirectory: string = info?.getProgramDirectory() || request.getPwd() || process.cwd();
  const entryPoint: string = info?.getEntryPoint() || request.getProgram() || ".";
  const response = new languageProto.RunResponse();
  let runPath: string;
  try {
    runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDirectory] });
  } catch {
    response.setError(`It looks like the Pulumi SDK has not been installed in ${programDirectory}. Have you run npm install?`);
    return callback(null, response);
  }
  const options = runtimeOptions(info);
  const child = spawn(process.execPath, [...options.nodeargs, ...runnerArguments(request, runPath, programDirectory, entryPoint)], {
    cwd: programDirectory,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(toRunnerConfig(request.getConfigMap())),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.getConfigsecretkeysList() ?? []),
      ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
      ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    },
  });
  running.add(child);
  // A child that fails to start may report both "error" and "exit": answer the engine once.
  const answer = (error?: string, bail = false): void => {
    if (!running.delete(child)) return;
    if (error !== undefined) response.setError(error);
    response.setBail(bail);
    callback(null, response);
  };
  child.on("error", (error) => answer(`Problem executing program (could not run language executor): ${error.message}`));
  child.on("exit", (code, signal) => {
    if (code === EXITED_AFTER_USER_MESSAGE) answer(undefined, true);
    else if (code !== 0) answer(signal ? `Program exited unexpectedly: ${signal}` : `Program exited with non-zero exit code: ${code}`);
    else answer();
  });
}

const service = {
  handshake(call: Call, callback: Callback): void {
    engineAddress = call.request.getEngineAddress() || engineAddress;
    callback(null, new languageProto.LanguageHandshakeResponse());
  },
  getPluginInfo(_call: Call, callback: Callback): void {
    const info = new pluginProto.PluginInfo();
    info.setVersion(HOST_VERSION);
    callback(null, info);
  },
  // Plugins are found on the machine (`setup:pulumi` puts them beside the CLI): nothing to announce.
  getRequiredPackages(_call: Call, callback: Callback): void {
    callback(null, new languageProto.GetRequiredPackagesResponse());
  },
  getRequiredPlugins(_call: Call, callback: Callback): void {
    callback(null, new languageProto.GetRequiredPluginsResponse());
  },
  getProgramDependencies(_call: Call, callback: Callback): void {
    callback(null, new languageProto.GetProgramDependenciesResponse());
  },
  runtimeOptionsPrompts(_call: Call, callback: Callback): void {
    callback(null, new languageProto.RuntimeOptionsResponse());
  },
  about(_call: Call, callback: Callback): void {
    const about = new languageProto.AboutResponse();
    about.setExecutable(process.execPath);
    about.setVersion(process.version);
    callback(null, about);
  },
  // Dependencies are the program's own `npm install`; the host installs nothing.
  installDependencies(call: { end(): void }): void {
    call.end();
  },
  run,
  cancel(_call: Call, callback: Callback): void {
    for (const child of running) child.kill("SIGINT");
    callback(null, new emptyProto.Empty());
  },
};

function main(): void {
  if (process.argv.includes("-version") || process.argv.includes("--version")) {
    console.log(HOST_VERSION);
    return;
  }
  const server = new grpc.Server();
  server.addService(languageGrpc.LanguageRuntimeService, service as unknown as grpcJs.UntypedServiceImplementation);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      console.error(`pulumi-language-nodejs: could not start its gRPC server: ${error.message}`);
      process.exit(1);
    }
    // The CLI reads the port from the first line of stdout: nothing may be printed before it.
    process.stdout.write(`${port}\n`);
  });
  // The CLI interrupts its plugins when it is interrupted; a program still running gets the same signal.
  process.on("SIGINT", () => {
    for (const child of running) child.kill("SIGINT");
    server.forceShutdown();
    process.exit(0);
  });
}

main();
