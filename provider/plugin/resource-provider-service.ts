import type * as grpcJs from "@grpc/grpc-js";
import { InputError } from "../errors/input-error";
import { messageOf } from "../errors/message-of";
import { maskRuntimeSecrets } from "../errors/runtime-secrets";
import { PartialKeyError } from "../errors/partial-key-error";
import type { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";
import { scopeOfUrn } from "../lifecycle/reservation";
import { pickInputs } from "../lifecycle/to-outputs";
import { settingsFailures } from "../settings/resolve-settings";
import { SECRET_OUTPUTS } from "../definitions/repo-api-key";
import type { RepoApiKeyOutputs } from "../definitions/repo-api-key";
import type { EngineLog } from "../engine/engine-log";
import { knownOnly, providerConfig, requireKnownSettings } from "./provider-config";
import {
  anyProto,
  emptyProto,
  fromStruct,
  grpc,
  isUnknown,
  pluginProto,
  providerProto,
  statusProto,
  toStruct,
  unwrapSecrets,
  wrapSecrets,
  type Props,
} from "../engine/pulumi-protocol";
import { RotationScheduleHandlers } from "./rotation-schedule-handlers";
import { packageSchema } from "./schema";
import { GET_REPO_API_KEY_TOKEN, GET_REPO_API_KEYS_TOKEN, REPO_API_KEY_TOKEN, ROTATION_SCHEDULE_TOKEN } from "../definitions/tokens";

/** A request of Pulumi's generated protobuf classes, which carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProtoRequest = any;
type Call = { request: ProtoRequest };
type Callback = (error: Partial<grpcJs.ServiceError> | null, response?: unknown) => void;

/** A failure already in the engine's terms (a partial resource's secrets wrapped as its inputs were). */
class EngineFailure {
  constructor(readonly status: Partial<grpcJs.ServiceError>) {}
}

/**
 * The `flashback` resource provider plugin: Pulumi's ResourceProvider gRPC service for YAML,
 * Python, Go, C# and Java programs. Every call translates the protocol's messages (Structs, secrets,
 * previews) and hands over to the same lifecycle the dynamic `RepoApiKey` runs, so validation,
 * the HTTP client, retries, orphan-free creates, token renewal and redaction are one code.
 *
 * The plugin tells the engine it accepts secrets, so the engine no longer marks outputs for it:
 * every answer wraps as secret each field that came in secret (a secret `name`, say) as well as
 * `key` and `secret`, and the lifecycle masks those values in its messages.
 */
export class ResourceProviderService {
  constructor(
    private readonly lifecycle: RepoApiKeyLifecycle,
    private readonly version: string,
    private readonly log: EngineLog,
    /** The engine's address, which a component's registrations need (Construct). */
    private readonly engineAddress?: string,
    private readonly schedule: RotationScheduleHandlers = new RotationScheduleHandlers(),
  ) {
    lifecycle.sendWarningsTo((message) => log.warn(message, ""));
    schedule.lifecycle.sendWarningsTo((message) => log.warn(message, ""));
  }

  /** The handlers grpc-js serves: each one answers its call or fails it with a readable message. */
  handlers(): grpcJs.UntypedServiceImplementation {
    const handle =
      (method: (request: ProtoRequest) => Promise<unknown>) =>
      (call: Call, callback: Callback): void => {
        method.call(this, call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(error instanceof EngineFailure ? error.status : this.#toGrpcError(error, SECRET_OUTPUTS)),
        );
      };
    return {
      getPluginInfo: handle(this.getPluginInfo),
      getSchema: handle(this.getSchema),
      checkConfig: handle(this.checkConfig),
      diffConfig: handle(this.diffConfig),
      configure: handle(this.configure),
      check: handle(this.#byType("check")),
      diff: handle(this.#byType("diff")),
      create: handle(this.#byType("create")),
      read: handle(this.#byType("read")),
      update: handle(this.#byType("update")),
      delete: handle(this.#byType("delete")),
      cancel: handle(this.cancel),
      invoke: handle(this.invoke),
      construct: handle(this.construct),
      list: (call: grpcJs.ServerWritableStream<ProtoRequest, unknown>) => {
        this.list(call.request).then(
          (responses) => {
            for (const response of responses) call.write(response);
            call.end();
          },
          (error: unknown) => call.emit("error", this.#toGrpcError(error, SECRET_OUTPUTS)),
        );
      },
    };
  }

  async getPluginInfo(): Promise<unknown> {
    return new pluginProto.PluginInfo().setVersion(this.version);
  }

  async getSchema(): Promise<unknown> {
    return new providerProto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema(this.version)));
  }

  /**
   * Settings checked as the dynamic resource checks them, each bad one reported under its own name
   * and its source (an explicit provider's input, or stack config). The engine sends unknowns here
   * (a provider input from another resource's output, in a preview): they pass, and are checked
   * once known, in the CheckConfig of the update and at first use.
   */
  async checkConfig(request: ProtoRequest): Promise<unknown> {
    const news = knownOnly(unwrapSecrets(fromStruct(request.getNews())).plain);
    const failures = settingsFailures({ config: providerConfig(request.getUrn(), news), env: {} });
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

  /** The provider's inputs (`args`; `variables` for an engine that sends only those), read and checked by the lifecycle at first use. */
  async configure(request: ProtoRequest): Promise<unknown> {
    const args = unwrapSecrets(fromStruct(request.getArgs())).plain;
    const config = providerConfig(request.getUrn(), args, request.getVariablesMap());
    requireKnownSettings(args, config);
    this.lifecycle.configure(config);
    return new providerProto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true);
  }

  /** Ctrl-C: the lifecycle stops retrying and waiting; what is in flight finishes or is cleaned up. */
  async cancel(): Promise<unknown> {
    this.lifecycle.cancel();
    return new emptyProto.Empty();
  }

  /**
   * The functions `getRepoApiKeys` and `getRepoApiKey`, on the lifecycle the resource runs. Bad
   * arguments come back as the engine's check failures, which every SDK reports with the field's
   * name; when an argument came in secret, so does every field of the result.
   */
  async invoke(request: ProtoRequest): Promise<unknown> {
    const token: string = request.getTok();
    const { plain: args, secretKeys } = this.#unwrap(request.getArgs());
    const run = FUNCTIONS[token];
    if (run === undefined)
      throw new Error(`the flashback provider has no function "${token}"; it has ${Object.keys(FUNCTIONS).join(", ")}`);
    try {
      const result = await run(this.lifecycle, args);
      return new providerProto.InvokeResponse().setReturn(toStruct(wrapSecrets(result, secretKeys.length > 0 ? Object.keys(result) : [])));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const failures = error.failures.map((failure) =>
        new providerProto.CheckFailure().setProperty(failure.property).setReason(this.lifecycle.redact(failure.reason)),
      );
      return new providerProto.InvokeResponse().setFailuresList(failures);
    }
  }

  /** A component (`RotatingRepoApiKey`), registered with its children through the engine; the SDK's runtime is loaded on first use. */
  async construct(request: ProtoRequest): Promise<unknown> {
    const { construct } = await import("./construct.js");
    return construct(request, { engineAddress: this.engineAddress, log: this.log, redact: (text) => this.redact(text) });
  }

  /**
   * `List` (`pulumi do flashback:index:RepoApiKey list --repo-id …`): the keys of the repository
   * the query names, each by its import id `<repoId>/<keyId>` and its name, in one page (Flashback
   * lists a repository whole). Leftover reservations are left out: their secret is lost and import
   * refuses them. A repository not known yet (preview) is answered "computed".
   */
  async list(request: ProtoRequest): Promise<unknown[]> {
    const token: string = request.getToken();
    if (token !== REPO_API_KEY_TOKEN) throw new Error(`the flashback provider lists only ${REPO_API_KEY_TOKEN}, not "${token}"`);
    const { plain: query } = this.#unwrap(request.getQuery());
    if (isUnknown(query.repoId)) return [new providerProto.ListResponse().setComputed(new providerProto.ListResponse.Computed())];
    const { repoId, keys } = await this.lifecycle.getRepoApiKeys({ repoId: query.repoId });
    const limit: number = request.getLimit();
    const importable = keys.filter((key) => !key.isReservation).slice(0, limit > 0 ? limit : undefined);
    return [
      ...importable.map((key) =>
        new providerProto.ListResponse().setResult(new providerProto.ListResponse.Result().setId(`${repoId}/${key.id}`).setName(key.name)),
      ),
      new providerProto.ListResponse().setContinuation(new providerProto.ListResponse.Continuation().setContinuationToken("")),
    ];
  }

  async check(request: ProtoRequest): Promise<unknown> {
    requireType(request.getUrn());
    const { plain, secretKeys } = this.#unwrap(request.getNews());
    const { inputs, failures } = await this.lifecycle.checkFully(plain, this.#unwrap(request.getOlds()).plain);
    return new providerProto.CheckResponse()
      .setInputs(toStruct(wrapSecrets(inputs, secretKeys)))
      .setFailuresList(failures.map((failure) => new providerProto.CheckFailure().setProperty(failure.property).setReason(failure.reason)));
  }

  /** Besides the lifecycle's diff, a field that became secret with the same value is an update, so that its output is stored secret too. */
  async diff(request: ProtoRequest): Promise<unknown> {
    const stored = this.#unwrap(request.getOlds());
    const { plain: news, secretKeys } = this.#unwrap(request.getNews());
    const diff = await this.lifecycle.diffFully(stored.plain, news);
    const newlySecret = secretKeys.filter(
      (field) => !stored.secretKeys.includes(field) && ![...diff.replaces, ...diff.updates].includes(field),
    );
    if (newlySecret.length > 0) Object.assign(diff, { changes: true, updates: [...diff.updates, ...newlySecret] });
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
    const { plain: inputs, secretKeys } = this.#unwrap(request.getProperties());
    if (request.getPreview()) {
      return new providerProto.CreateResponse()
        .setId("")
        .setProperties(toStruct(wrapSecrets(this.lifecycle.previewCreate(inputs), secretKeys)));
    }
    this.lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    try {
      const created = await this.lifecycle.create(inputs);
      return new providerProto.CreateResponse().setId(created.id).setProperties(toOutputsStruct(created.outputs, secretKeys));
    } catch (error) {
      throw new EngineFailure(this.#toGrpcError(error, [...SECRET_OUTPUTS, ...secretKeys]));
    }
  }

  /**
   * A refresh (the stored outputs come along), an `exists()` (only the id, and what the program
   * passed beside it) or an import (only the id, `<repoId>/<keyId>`). What was secret in the stored
   * outputs or inputs stays secret in every answer.
   */
  async read(request: ProtoRequest): Promise<unknown> {
    const { plain: stored, secretKeys } = this.#unwrap(request.getProperties());
    const given = this.#unwrap(request.getInputs());
    const secret = [...secretKeys, ...given.secretKeys];
    if (Object.keys(stored).length === 0 && isExistsUrn(request.getUrn())) {
      const found = await this.lifecycle.lookUpKey(request.getId(), given.plain);
      // No properties: the engine's "does not exist".
      return found === undefined ? new providerProto.ReadResponse().setId("") : readResponse(found.id, found.outputs, secret);
    }
    if (Object.keys(stored).length === 0) {
      const imported = await this.lifecycle.importKey(request.getId());
      this.log.warn(imported.warning, request.getUrn());
      return readResponse(imported.id, imported.outputs, secret);
    }
    const current = await this.lifecycle.read(request.getId(), stored);
    // An empty id tells the engine the key is gone: it leaves the state.
    if (current === undefined) return new providerProto.ReadResponse().setId("");
    return readResponse(current.id, current.outputs, secret, given.plain.pair);
  }

  async update(request: ProtoRequest): Promise<unknown> {
    const olds = this.#unwrap(request.getOlds()).plain;
    const { plain: news, secretKeys } = this.#unwrap(request.getNews());
    if (request.getPreview()) {
      return new providerProto.UpdateResponse().setProperties(toOutputsStruct(this.lifecycle.previewUpdate(olds, news), secretKeys));
    }
    this.lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    const updated = await this.lifecycle.update(request.getId(), olds, news);
    return new providerProto.UpdateResponse().setProperties(toOutputsStruct(updated, secretKeys));
  }

  async delete(request: ProtoRequest): Promise<unknown> {
    const stored = this.#unwrap(request.getProperties()).plain;
    this.lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    await this.lifecycle.delete(request.getId(), stored);
    return new emptyProto.Empty();
  }

  /** A resource method of the type the request's URN names: a RotationSchedule's go to its own handlers. */
  #byType(method: ResourceMethod): (request: ProtoRequest) => Promise<unknown> {
    return (request) =>
      resourceTypeOf(request.getUrn()) === ROTATION_SCHEDULE_TOKEN ? this.schedule[method](request) : this[method](request);
  }

  /** A failure with every secret the plugin has seen masked, secret inputs included. */
  #toGrpcError(error: unknown, secretFields: readonly string[]): Partial<grpcJs.ServiceError> {
    return toGrpcError(error, secretFields, (text) => this.redact(text));
  }

  /** A text with every secret this process has seen masked: the lifecycle's, and those a Construct's SDK runtime carried. */
  redact(text: string): string {
    return maskRuntimeSecrets(this.lifecycle.redact(text));
  }

  /** Plain values and which were secret; the secret ones are masked in every message from now on. */
  #unwrap(struct: { toJavaScript(): Props } | undefined): { plain: Props; secretKeys: string[] } {
    const unwrapped = unwrapSecrets(fromStruct(struct));
    this.lifecycle.treatAsSecret(...unwrapped.secretKeys.map((key) => unwrapped.plain[key]));
    return unwrapped;
  }
}

type ResourceMethod = "check" | "diff" | "create" | "read" | "update" | "delete";

/** What each function's token runs: its result as the schema's `outputs` declare it. */
const FUNCTIONS: Record<string, (lifecycle: RepoApiKeyLifecycle, args: Props) => Promise<Props>> = {
  [GET_REPO_API_KEYS_TOKEN]: async (lifecycle, args) => ({ ...(await lifecycle.getRepoApiKeys(args)) }),
  [GET_REPO_API_KEY_TOKEN]: async (lifecycle, args) => ({ ...(await lifecycle.getRepoApiKey(args)) }),
};

function requireType(urn: string): void {
  const type = resourceTypeOf(urn);
  if (type !== undefined && type !== REPO_API_KEY_TOKEN) throw new Error(`the flashback provider has no resource type "${type}"`);
}

/**
 * A resource's own type, from its URN: `urn:pulumi:<stack>::<project>::<type>::<name>`, where the
 * type of a child is its parents' types and its own joined by `$` (`my:Component$flashback:index:RepoApiKey`).
 */
export function resourceTypeOf(urn: string): string | undefined {
  return urn.split("::")[2]?.split("$").pop();
}

/**
 * Whether the engine made this URN up for `exists()`: ResourceMonitor.ExistsResource names the
 * resource it reads `__exists__<n>` (Pulumi's resource/deploy/source_eval.go, IsExistsURN).
 */
export function isExistsUrn(urn: string): boolean {
  return urn.split("::")[3]?.startsWith("__exists__") === true;
}

/** Outputs as the engine stores them: `key`, `secret` and whatever came in secret wrapped as secrets. */
function toOutputsStruct(outputs: RepoApiKeyOutputs | Props, secretInputs: readonly string[] = []): unknown {
  return toStruct(wrapSecrets(definedOnly({ ...outputs }), [...SECRET_OUTPUTS, ...secretInputs]));
}

/** A Struct holds no `undefined`. */
function definedOnly(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

/** The inputs go back as Flashback has them; a key of a RotatingRepoApiKey keeps what its pair remembers, which Flashback knows nothing of. */
function readResponse(id: string, outputs: RepoApiKeyOutputs, secret: readonly string[], pair?: unknown): unknown {
  const inputs = { ...pickInputs(outputs), ...(pair === undefined ? {} : { pair }) };
  return new providerProto.ReadResponse()
    .setId(id)
    .setProperties(toOutputsStruct(outputs, secret))
    .setInputs(toStruct(wrapSecrets(inputs, secret)));
}

/**
 * A failure as the engine reads it: the lifecycle's redacted message, and for a key Flashback made
 * but could not hand over whole, the partial resource (`ErrorResourceInitFailed`) the engine records
 * so that the next `up` replaces it.
 */
function toGrpcError(error: unknown, secretFields: readonly string[], redact: (text: string) => string): Partial<grpcJs.ServiceError> {
  const message = redact(messageOf(error));
  const metadata = new grpc.Metadata();
  if (error instanceof PartialKeyError) {
    const detail = new providerProto.ErrorResourceInitFailed()
      .setId(error.id)
      .setProperties(toStruct(wrapSecrets(definedOnly({ ...error.outputs }), secretFields)))
      .setReasonsList([message]);
    const packed = new anyProto.Any();
    packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusProto.Status().setCode(grpc.status.UNKNOWN).setMessage(message).setDetailsList([packed]);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}
