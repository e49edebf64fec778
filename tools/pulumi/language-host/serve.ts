/*
 * The part every stand-in language host shares: the `LanguageRuntime` gRPC service the CLI talks
 * to, answered for one language by a `Language` (how to start its programs, how to generate and
 * link an SDK, how to install a program's dependencies).
 *
 * Pulumi's own language hosts are Go modules of their own (sdk/nodejs/cmd/pulumi-language-nodejs,
 * sdk/python/cmd/pulumi-language-python, sdk/go/pulumi-language-go) that the module proxy
 * reachable here refuses at every version, so these stand in for them. They do what the Go hosts'
 * `Run`, `GeneratePackage`, `Link` and `InstallDependencies` do for the programs of this
 * repository's suites and examples, and nothing more. The engine, the checkpoints, the providers,
 * the SDKs and their code generators are all Pulumi's. A machine with Pulumi's installer gets the
 * real hosts, and `setup:pulumi` then uses that CLI as it is.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type * as grpcJs from "@grpc/grpc-js";
import { pulumiRequire } from "../../../provider/engine/pulumi-modules";
import { emptyProto, grpc, pluginProto } from "../../../provider/engine/pulumi-protocol";

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf stubs carry no types */
export const languageProto: any = pulumiRequire("./proto/language_pb");
export const languageGrpc: any = pulumiRequire("./proto/language_grpc_pb");

/** The version these hosts report: the CLI's (tools/pulumi/go.mod), which `setup:pulumi` puts in their wrappers. */
const HOST_VERSION = (process.env.FLASHBACK_PULUMI_CLI_VERSION ?? "v0.0.0").replace(/^v/, "");

/** A program runner's code for "the user already saw an actionable message": the engine bails quietly. */
export const EXITED_AFTER_USER_MESSAGE = 32;

/** What the engine asks to run, as every language reads it. */
export interface ProgramRun {
  monitor: string;
  engine: string;
  organization: string;
  project: string;
  stack: string;
  rootDirectory: string;
  programDirectory: string;
  entryPoint: string;
  dryRun: boolean;
  parallel: number;
  args: string[];
  /** The stack's config, keys as `namespace:key`. */
  config: Map<string, string>;
  secretKeys: string[];
  /** `runtime.options` of Pulumi.yaml. */
  options: Record<string, unknown>;
}

/**
 * The engine's addresses, the stack and the run's switches as flags, the way the program runners
 * take them (Node.js's `@pulumi/pulumi/cmd/run` and python-exec.py); empty values are left out.
 */
export function runnerFlags(run: ProgramRun): string[] {
  const flags: Array<[string, string]> = [
    ["monitor", run.monitor],
    ["engine", run.engine],
    ["organization", run.organization],
    ["project", run.project],
    ["stack", run.stack],
    ["root-directory", run.rootDirectory],
    ["pwd", run.programDirectory],
    ["parallel", String(run.parallel)],
  ];
  return [
    ...flags.filter(([, value]) => value !== "").flatMap(([flag, value]) => [`--${flag}`, value]),
    ...(run.dryRun ? ["--dry-run"] : []),
  ];
}

/** The stack config as the SDKs read it from the environment; Node.js's runner wants its keys spelled its own way. */
export function configEnvironment(run: ProgramRun, config: Record<string, string> = Object.fromEntries(run.config)): NodeJS.ProcessEnv {
  return { PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(run.secretKeys) };
}

/** How to start a program: a process whose exit code the host reports. */
export interface Launch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The program's folder and its `runtime.options`, as `Link` and `InstallDependencies` receive them. */
export interface ProgramFolder {
  directory: string;
  options: Record<string, unknown>;
}

/** Where output goes while dependencies install: the CLI shows it. */
export type Output = (stream: "stdout" | "stderr", chunk: Buffer) => void;

export interface Language {
  /** The runtime name, as in `runtime: <name>`. */
  name: string;
  /** How to start the program, or the message the engine shows when it cannot be started. */
  launch(run: ProgramRun): Promise<Launch | { error: string }>;
  about(): { executable: string; version: string };
  /** Writes the SDK of the package whose schema (JSON) is given into `directory`. */
  generatePackage?(directory: string, schema: string): Promise<void>;
  /** Makes the program depend on SDKs at `paths` (relative to its folder); returns how to import them. */
  link?(program: ProgramFolder, paths: string[]): Promise<string>;
  installDependencies?(program: ProgramFolder, output: Output): Promise<void>;
  /** The resource plugins the SDKs the program depends on announce (their pulumi-plugin.json). */
  requiredPackages?(program: ProgramFolder): Promise<RequiredPackage[]>;
}

/** A plugin an SDK announces in its pulumi-plugin.json: `{"resource": true, "name", "version", "server"}`. */
export interface RequiredPackage {
  name: string;
  /** With its `v`, as the engine's plugin specs take it. */
  version: string;
  /** Where the CLI downloads it from; empty for Pulumi's default locations. */
  server: string;
}

/** A plugin's version as the engine takes it, with its `v`. */
function pluginVersion(version: string): string {
  return version === "" || version.startsWith("v") ? version : `v${version}`;
}

/**
 * The plugin an SDK's pulumi-plugin.json announces, as Pulumi's hosts read it: resource plugins
 * only; a name or version it leaves out is the package's own (`fallback`), where the host knows it.
 */
export function announcedPlugin(manifest: unknown, fallback: { name?: string; version?: string } = {}): RequiredPackage | undefined {
  const { resource, name, version, server } = (manifest ?? {}) as Record<string, unknown>;
  const given = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
  const pluginName = given(name) ?? fallback.name;
  if (resource !== true || pluginName === undefined) return undefined;
  return { name: pluginName, version: pluginVersion(given(version) ?? fallback.version ?? ""), server: given(server) ?? "" };
}

type Callback = (error: grpcJs.ServiceError | null, response?: unknown) => void;
type Call = { request: any };

/** Runs `command` to the end, its output to `output` when given; fails with what it printed. */
export function runToEnd(command: string, args: string[], cwd: string, output?: Output, env = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let printed = "";
    const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      printed += chunk.toString();
      output?.(stream, chunk);
    };
    child.stdout.on("data", collect("stdout"));
    child.stderr.on("data", collect("stderr"));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${printed.trim()}`)),
    );
  });
}

function programRunOf(request: any, engineAddress: string): ProgramRun {
  const info = request.getInfo();
  return {
    monitor: request.getMonitorAddress(),
    engine: engineAddress,
    organization: request.getOrganization(),
    project: request.getProject(),
    stack: request.getStack(),
    rootDirectory: info?.getRootDirectory() ?? "",
    programDirectory: info?.getProgramDirectory() || request.getPwd() || process.cwd(),
    entryPoint: info?.getEntryPoint() || request.getProgram() || ".",
    dryRun: request.getDryrun(),
    parallel: request.getParallel(),
    args: request.getArgsList(),
    config: new Map(request.getConfigMap()?.entries() ?? []),
    secretKeys: request.getConfigsecretkeysList() ?? [],
    options: optionsOf(info),
  };
}

function optionsOf(info: any): Record<string, unknown> {
  return (info?.getOptions()?.toJavaScript() ?? {}) as Record<string, unknown>;
}

function folderOf(info: any): ProgramFolder {
  return { directory: info?.getProgramDirectory() || info?.getRootDirectory() || process.cwd(), options: optionsOf(info) };
}

function serviceError(code: grpcJs.status, message: string): grpcJs.ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new grpc.Metadata() });
}

const unimplemented = (what: string): grpcJs.ServiceError =>
  serviceError(grpc.status.UNIMPLEMENTED, `${what} is not supported by this language host`);

const failed = (error: unknown): grpcJs.ServiceError => serviceError(grpc.status.UNKNOWN, String((error as Error).message ?? error));

export function serveLanguageHost(language: Language): void {
  if (process.argv.includes("-version") || process.argv.includes("--version")) {
    console.log(HOST_VERSION);
    return;
  }
  const running = new Set<ChildProcess>();
  /** Answers with the plugins the language announces, each as a `Dependency` message (PackageDependency or PluginDependency). */
  const announce = (call: Call, callback: Callback, Dependency: any, respond: (dependencies: unknown[]) => unknown): void => {
    const folder = folderOf(call.request.getInfo());
    Promise.resolve(language.requiredPackages === undefined ? [] : language.requiredPackages(folder)).then(
      (packages) =>
        callback(
          null,
          respond(
            packages.map((found) =>
              new Dependency().setName(found.name).setKind("resource").setVersion(found.version).setServer(found.server),
            ),
          ),
        ),
      (error: unknown) => callback(failed(error)),
    );
  };
  let engineAddress = process.argv.slice(2).find((arg) => !arg.startsWith("-")) ?? "";

  async function run(call: Call, callback: Callback): Promise<void> {
    const response = new languageProto.RunResponse();
    const program = programRunOf(call.request, engineAddress);
    const launch = await language.launch(program).catch((error: Error) => ({ error: error.message }));
    if ("error" in launch) {
      response.setError(launch.error);
      return callback(null, response);
    }
    const child = spawn(launch.command, launch.args, {
      cwd: program.programDirectory,
      stdio: ["ignore", "inherit", "inherit"],
      env: launch.env,
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
    // The plugins the program's installed SDKs name: the CLI installs those it lacks before it runs the program.
    // GetRequiredPlugins is the older call with the same answer in another message.
    getRequiredPackages(call: Call, callback: Callback): void {
      announce(call, callback, pluginProto.PackageDependency, (dependencies) =>
        new languageProto.GetRequiredPackagesResponse().setPackagesList(dependencies),
      );
    },
    getRequiredPlugins(call: Call, callback: Callback): void {
      announce(call, callback, pluginProto.PluginDependency, (dependencies) =>
        new languageProto.GetRequiredPluginsResponse().setPluginsList(dependencies),
      );
    },
    getProgramDependencies(_call: Call, callback: Callback): void {
      callback(null, new languageProto.GetProgramDependenciesResponse());
    },
    runtimeOptionsPrompts(_call: Call, callback: Callback): void {
      callback(null, new languageProto.RuntimeOptionsResponse());
    },
    about(_call: Call, callback: Callback): void {
      const about = new languageProto.AboutResponse();
      const { executable, version } = language.about();
      about.setExecutable(executable);
      about.setVersion(version);
      callback(null, about);
    },
    installDependencies(call: { request: any; write(message: unknown): void; end(): void; destroy(error: Error): void }): void {
      if (language.installDependencies === undefined) return call.end();
      const output: Output = (stream, chunk) => {
        const message = new languageProto.InstallDependenciesResponse();
        if (stream === "stdout") message.setStdout(chunk);
        else message.setStderr(chunk);
        call.write(message);
      };
      language.installDependencies(folderOf(call.request.getInfo()), output).then(
        () => call.end(),
        (error: unknown) => call.destroy(failed(error)),
      );
    },
    generatePackage(call: Call, callback: Callback): void {
      if (language.generatePackage === undefined) return callback(unimplemented("GeneratePackage"));
      language.generatePackage(call.request.getDirectory(), call.request.getSchema()).then(
        () => callback(null, new languageProto.GeneratePackageResponse()),
        (error: unknown) => callback(failed(error)),
      );
    },
    link(call: Call, callback: Callback): void {
      if (language.link === undefined) return callback(unimplemented("Link"));
      const paths = (call.request.getPackagesList() as any[]).map((dependency) => dependency.getPath() as string);
      language.link(folderOf(call.request.getInfo()), paths).then(
        (instructions) => {
          const response = new languageProto.LinkResponse();
          response.setImportInstructions(instructions);
          callback(null, response);
        },
        (error: unknown) => callback(failed(error)),
      );
    },
    run: (call: Call, callback: Callback) => void run(call, callback),
    cancel(_call: Call, callback: Callback): void {
      for (const child of running) child.kill("SIGINT");
      callback(null, new emptyProto.Empty());
    },
  };

  const server = new grpc.Server();
  server.addService(languageGrpc.LanguageRuntimeService, service as unknown as grpcJs.UntypedServiceImplementation);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      console.error(`pulumi-language-${language.name}: could not start its gRPC server: ${error.message}`);
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
