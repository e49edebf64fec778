import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer, type AddressInfo, type Server } from "node:net";
import { createInterface } from "node:readline";
import {
  DYNAMIC_PROVIDER_ENTRY,
  fromStruct,
  grpc,
  providerGrpc,
  providerProto,
  statusProto,
  toStruct,
  wrapSecret,
  type Props,
} from "./pulumi-internals";

export interface ProviderCallError extends Error {
  code: number;
  details: string;
  /** For an init error: the partial resource the provider asks the engine to record. */
  initFailure?: { id: string; properties: Props; reasons: string[] };
}

/**
 * The real dynamic-provider process, started as the engine starts it (cwd = the program directory,
 * the engine address as argument, the port read from the first stdout line) and called over gRPC.
 */
export class ProviderProcess {
  /** Everything the process wrote to stderr: leak tests search it. */
  stderr = "";

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly client: InstanceType<typeof grpc.Client> & Record<string, (...args: unknown[]) => unknown>,
    private readonly engine: Server,
  ) {
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
  }

  /** `nodeArgs` are flags for node itself, e.g. `--cpu-prof` to profile the provider. */
  static async start(options: { cwd: string; env?: NodeJS.ProcessEnv | undefined; nodeArgs?: string[] }): Promise<ProviderProcess> {
    // The engine passes its own address, where it listens for as long as it runs: the provider probes it before handing over a new key.
    const engine = await listenAsEngine();
    const engineAddress = `127.0.0.1:${(engine.address() as AddressInfo).port}`;
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), DYNAMIC_PROVIDER_ENTRY, engineAddress], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    const port = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once("line", (line) => resolve(line.trim()));
      child.once("exit", (code) => reject(new Error(`dynamic provider exited with ${code} before printing its port`)));
    });
    const Client = providerGrpc.ResourceProviderClient;
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const process_ = new ProviderProcess(child, client, engine);
    child.stdout.resume();
    return process_;
  }

  /** Configure, with the whole stack config as the engine sends it (keys `flashback:accessToken`...), secret values wrapped. */
  async configure(config: Record<string, string>, secretKeys: readonly string[] = []): Promise<void> {
    const request = new providerProto.ConfigureRequest();
    const args = Object.fromEntries(
      Object.entries(config).map(([key, value]) => [key, secretKeys.includes(key) ? wrapSecret(value) : value]),
    );
    request.setArgs(toStruct(args));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    await this.call("configure", request);
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    const request = new providerProto.CheckRequest();
    request.setUrn(urn);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    const response = await this.call("check", request);
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((failure: { getProperty(): string; getReason(): string }) => ({
        property: failure.getProperty(),
        reason: failure.getReason(),
      })),
    };
  }

  /** `changes` is undefined when the provider answers "unknown", leaving the engine to diff the inputs itself. */
  async diff(
    urn: string,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean | undefined; replaces: string[]; deleteBeforeReplace: boolean }> {
    const request = new providerProto.DiffRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    const response = await this.call("diff", request);
    return {
      changes: toChanges(response.getChanges()),
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new providerProto.CreateRequest();
    request.setUrn(urn);
    request.setProperties(toStruct(properties));
    const response = await this.call("create", request);
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  /** `inputs` only when the provider sent them: the engine then stores them in place of the old ones. */
  async read(urn: string, id: string, properties: Props): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const request = new providerProto.ReadRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(toStruct(properties));
    const response = await this.call("read", request);
    const inputs = response.getInputs();
    return { id: response.getId(), properties: fromStruct(response.getProperties()), ...(inputs ? { inputs: fromStruct(inputs) } : {}) };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }> {
    const request = new providerProto.UpdateRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    const response = await this.call("update", request);
    return { properties: fromStruct(response.getProperties()) };
  }

  async delete(urn: string, id: string, properties: Props): Promise<void> {
    const request = new providerProto.DeleteRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(toStruct(properties));
    await this.call("delete", request);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What a killed CLI looks like to its provider process: the engine's address refuses connections. */
  stopEngineListener(): Promise<void> {
    return new Promise((resolve) => this.engine.close(() => resolve()));
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.engine.listening) await this.stopEngineListener();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill();
    await exited;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private call(method: string, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method]?.(
        request,
        (error: (Error & { code: number; details: string; metadata?: InstanceType<typeof grpc.Metadata> }) | null, response: unknown) => {
          if (error) reject(toProviderCallError(error));
          else resolve(response);
        },
      );
    });
  }
}

/** Decodes the "init error" detail the dynamic provider packs into `grpc-status-details-bin`. */
function toProviderCallError(
  error: Error & { code: number; details: string; metadata?: InstanceType<typeof grpc.Metadata> },
): ProviderCallError {
  const result = Object.assign(new Error(error.details), { code: error.code, details: error.details }) as ProviderCallError;
  const [detailsBin] = error.metadata?.get("grpc-status-details-bin") ?? [];
  if (detailsBin instanceof Buffer) {
    const status = statusProto.Status.deserializeBinary(new Uint8Array(detailsBin));
    for (const any of status.getDetailsList()) {
      const detail = providerProto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      result.initFailure = { id: detail.getId(), properties: fromStruct(detail.getProperties()), reasons: detail.getReasonsList() };
    }
  }
  return result;
}

function listenAsEngine(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** A DiffResponse's `changes`: DIFF_UNKNOWN (what a dynamic `diff` that leaves `changes` out sends) as undefined. */
function toChanges(changes: number): boolean | undefined {
  const { DIFF_SOME, DIFF_NONE } = providerProto.DiffResponse.DiffChanges;
  if (changes === DIFF_SOME) return true;
  return changes === DIFF_NONE ? false : undefined;
}
