import type * as grpcJs from "@grpc/grpc-js";
import { checkInputs } from "../lifecycle/check-inputs";
import { diffInputs } from "../lifecycle/diff-inputs";
import { messageOf } from "../errors/message-of";
import type { RepoApiKeyProvider } from "../lifecycle/repo-api-key-provider";
import { scopeOfUrn } from "../lifecycle/reservation";
import { pickInputs, pickOutputs } from "../lifecycle/to-outputs";
import { settingsFailures } from "../settings/resolve-settings";
import { SECRET_OUTPUTS } from "../types/resource";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../types/resource";
import type { EngineLog } from "./engine-log";
import {
  anyProto,
  emptyProto,
  fromStruct,
  grpc,
  pluginProto,
  providerProto,
  statusProto,
  toStruct,
  UNKNOWN,
  unwrapSecrets,
  wrapSecrets,
  type Props,
} from "./pulumi-protocol";
import { packageSchema, REPO_API_KEY_TOKEN } from "./schema";

/** A request of Pulumi's generated protobuf classes, which carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProtoRequest = any;
type Call = { request: ProtoRequest };
type Callback = (error: Partial<grpcJs.ServiceError> | null, response?: unknown) => void;

const CONFIG_NAMESPACE = "flashback:";

/**
 * The `flashback` resource provider plugin: Pulumi's ResourceProvider gRPC service for YAML,
 * Python, Go, C# and Java programs. Every call translates the protocol's messages (Structs, secrets,
 * previews) and hands over to the same lifecycle the dynamic `RepoApiKey` runs, so validation,
 * the HTTP client, retries, orphan-free creates, token renewal and redaction are one code.
 */
export class ResourceProviderService {
  constructor(
    private readonly lifecycle: RepoApiKeyProvider,
    private readonly version: string,
    private readonly log: EngineLog,
  ) {}

  /** The handlers grpc-js serves: each one answers its call or fails it with a readable message. */
  handlers(): grpcJs.UntypedServiceImplementation {
    const handle =
      (method: (request: ProtoRequest) => Promise<unknown>) =>
      (call: Call, callback: Callback): void => {
        method.call(this, call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(toGrpcError(error)),
        );
      };
    return {
      getPluginInfo: handle(this.getPluginInfo),
      getSchema: handle(this.getSchema),
      checkConfig: handle(this.checkConfig),
      diffConfig: handle(this.diffConfig),
      configure: handle(this.configure),
      check: handle(this.check),
      diff: handle(this.diff),
      create: handle(this.create),
      read: handle(this.read),
      update: handle(this.update),
      delete: handle(this.delete),
      cancel: handle(async () => new emptyProto.Empty()),
    };
  }

  async getPluginInfo(): Promise<unknown> {
    return new pluginProto.PluginInfo().setVersion(this.version);
  }

  async getSchema(): Promise<unknown> {
    return new providerProto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema(this.version)));
  }

  /** Settings checked as the dynamic resource checks them, each bad one reported under its own name. */
  async checkConfig(request: ProtoRequest): Promise<unknown> {
    const failures = settingsFailures({ config: configFrom(fromStruct(request.getNews()), new Map()), env: {} });
    return new providerProto.CheckResponse()
      .setInputs(request.getNews())
      .setFailuresList(failures.map(({ name, error }) => new providerProto.CheckFailure().setProperty(name).setReason(error.message)));
  }

  /** Settings are read at each run, so a change needs nothing replaced. */
  async diffConfig(request: ProtoRequest): Promise<unknown> {
    const olds = unwrapSecrets(fromStruct(request.getOlds())).plain;
    const news = unwrapSecrets(fromStruct(request.getNews())).plain;
    const changed = Object.keys({ ...olds, ...news }).filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
    return new providerProto.DiffResponse()
      .setChanges(changed.length > 0 ? providerProto.DiffResponse.DiffChanges.DIFF_SOME : providerProto.DiffResponse.DiffChanges.DIFF_NONE)
      .setDiffsList(changed);
  }

  /** An explicit provider's inputs (`args`) or the stack config (`variables`, `flashback:*`), read lazily by the lifecycle. */
  async configure(request: ProtoRequest): Promise<unknown> {
    const args = unwrapSecrets(fromStruct(request.getArgs())).plain;
    await this.lifecycle.configure({ config: configFrom(args, request.getVariablesMap()) } as never);
    return new providerProto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true);
  }

  async check(request: ProtoRequest): Promise<unknown> {
    requireType(request.getUrn());
    const { plain, secretKeys } = unwrapSecrets(fromStruct(request.getNews()));
    const { inputs, failures } = checkInputs(plain);
    return new providerProto.CheckResponse()
      .setInputs(toStruct(wrapSecrets(inputs, secretKeys)))
      .setFailuresList(failures.map((failure) => new providerProto.CheckFailure().setProperty(failure.property).setReason(failure.reason)));
  }

  async diff(request: ProtoRequest): Promise<unknown> {
    const olds = unwrapSecrets(fromStruct(request.getOlds())).plain as Partial<RepoApiKeyOutputs>;
    const news = unwrapSecrets(fromStruct(request.getNews())).plain;
    const diff = diffInputs(olds, news);
    const { Kind } = providerProto.PropertyDiff;
    const response = new providerProto.DiffResponse()
      .setChanges(diff.changes ? providerProto.DiffResponse.DiffChanges.DIFF_SOME : providerProto.DiffResponse.DiffChanges.DIFF_NONE)
      .setReplacesList(diff.replaces)
      .setStablesList(diff.stables)
      .setDeletebeforereplace(diff.deleteBeforeReplace)
      .setDiffsList([...diff.replaces, ...diff.updates])
      .setHasdetaileddiff(true);
    const detailed = response.getDetaileddiffMap();
    for (const field of diff.replaces)
      detailed.set(field, new providerProto.PropertyDiff().setKind(Kind.UPDATE_REPLACE).setInputdiff(field !== "secret"));
    for (const field of diff.updates) detailed.set(field, new providerProto.PropertyDiff().setKind(Kind.UPDATE).setInputdiff(true));
    return response;
  }

  async create(request: ProtoRequest): Promise<unknown> {
    const inputs = unwrapSecrets(fromStruct(request.getProperties())).plain as unknown as RepoApiKeyInputs;
    if (request.getPreview()) {
      return new providerProto.CreateResponse().setId("").setProperties(toStruct({ ...inputs, key: UNKNOWN, secret: UNKNOWN }));
    }
    this.lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    const created = await this.lifecycle.create(inputs);
    return new providerProto.CreateResponse().setId(created.id).setProperties(toOutputsStruct(created.outs as RepoApiKeyOutputs));
  }

  /** A refresh (the stored outputs come along) or an import (only the id, `<repoId>/<keyId>`). */
  async read(request: ProtoRequest): Promise<unknown> {
    const stored = unwrapSecrets(fromStruct(request.getProperties())).plain as unknown as RepoApiKeyOutputs;
    if (Object.keys(stored).length === 0) {
      const imported = await this.lifecycle.importKey(request.getId());
      this.log.warn(imported.warning, request.getUrn());
      return readResponse(imported.id, imported.outputs);
    }
    const read = await this.lifecycle.read(request.getId(), stored);
    if (read.id === undefined || read.id === "" || read.props === undefined) return new providerProto.ReadResponse().setId("");
    return readResponse(read.id, read.props);
  }

  async update(request: ProtoRequest): Promise<unknown> {
    const olds = unwrapSecrets(fromStruct(request.getOlds())).plain as unknown as RepoApiKeyOutputs;
    const news = unwrapSecrets(fromStruct(request.getNews())).plain as unknown as RepoApiKeyInputs;
    if (request.getPreview()) {
      return new providerProto.UpdateResponse().setProperties(
        toOutputsStruct({ ...pickOutputs(olds), name: news.name, accessType: news.accessType }),
      );
    }
    this.lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    const updated = await this.lifecycle.update(request.getId(), olds, news);
    return new providerProto.UpdateResponse().setProperties(toOutputsStruct(updated.outs as RepoApiKeyOutputs));
  }

  async delete(request: ProtoRequest): Promise<unknown> {
    const stored = unwrapSecrets(fromStruct(request.getProperties())).plain as unknown as RepoApiKeyOutputs;
    this.lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    await this.lifecycle.delete(request.getId(), stored);
    return new emptyProto.Empty();
  }
}

/** The lifecycle reads `flashback:*` keys; an explicit provider's inputs come without the namespace. */
function configFrom(args: Props, variables: Map<string, string>): { get(key: string): string | undefined } {
  return {
    get(key: string): string | undefined {
      const name = key.startsWith(CONFIG_NAMESPACE) ? key.slice(CONFIG_NAMESPACE.length) : key;
      const value = args[name];
      if (value !== undefined && value !== null && value !== "") return String(value);
      return variables.get(key) ?? undefined;
    },
  };
}

function requireType(urn: string): void {
  const type = urn.split("::")[2];
  if (type !== undefined && type !== REPO_API_KEY_TOKEN) throw new Error(`the flashback provider has no resource type "${type}"`);
}

function toOutputsStruct(outputs: RepoApiKeyOutputs | Props): unknown {
  return toStruct(wrapSecrets(definedOnly({ ...outputs }), SECRET_OUTPUTS));
}

/** A Struct holds no `undefined`. */
function definedOnly(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

function readResponse(id: string, outputs: RepoApiKeyOutputs): unknown {
  return new providerProto.ReadResponse()
    .setId(id)
    .setProperties(toOutputsStruct(outputs))
    .setInputs(toStruct({ ...pickInputs(outputs) }));
}

/**
 * A failure as the engine reads it: the lifecycle's redacted message, and for a key Flashback made
 * but could not hand over whole, the partial resource (`ErrorResourceInitFailed`) the engine records
 * so that the next `up` replaces it.
 */
function toGrpcError(error: unknown): Partial<grpcJs.ServiceError> {
  const message = messageOf(error);
  const partial = error as { id?: unknown; properties?: Props; reasons?: string[] };
  const metadata = new grpc.Metadata();
  if (typeof partial.id === "string" && partial.id !== "") {
    const detail = new providerProto.ErrorResourceInitFailed()
      .setId(partial.id)
      .setProperties(toOutputsStruct(partial.properties ?? {}))
      .setReasonsList(partial.reasons ?? [message]);
    const packed = new anyProto.Any();
    packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusProto.Status().setCode(grpc.status.UNKNOWN).setMessage(message).setDetailsList([packed]);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}
