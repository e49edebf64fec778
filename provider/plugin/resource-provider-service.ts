import type * as grpcJs from "@grpc/grpc-js";
import type { EngineLog } from "../engine/engine-log";
import { pluginProto, providerProto } from "../engine/pulumi-protocol";
import type { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";
import { SECRET_OUTPUTS } from "../definitions/repo-api-key";
import { ConfigHandlers } from "./config-handlers";
import { ConstructHandler } from "./construct-handler";
import { FunctionHandlers } from "./function-handlers";
import { EngineFailure, PluginSession, type ProtoRequest } from "./plugin-session";
import { RepoApiKeyHandlers } from "./repo-api-key-handlers";
import { resourceTypeOf } from "./resource-urn";
import { RotationScheduleHandlers } from "./rotation-schedule-handlers";
import { packageSchema } from "./schema";
import { ROTATION_SCHEDULE_TOKEN } from "../definitions/tokens";

type Call = { request: ProtoRequest };
type Callback = (error: Partial<grpcJs.ServiceError> | null, response?: unknown) => void;
type ResourceMethod = "check" | "diff" | "create" | "read" | "update" | "delete";

/**
 * The plugin's ResourceProvider gRPC service, over the lifecycle the dynamic `RepoApiKey` runs too.
 * Its handlers are split by concern, as pulumi-go-provider's are (config, each resource's calls,
 * the functions and List, Construct); this class only wires them to gRPC.
 */
export class ResourceProviderService {
  readonly #session: PluginSession;
  readonly #config: ConfigHandlers;
  readonly #repoApiKey: RepoApiKeyHandlers;
  readonly #functions: FunctionHandlers;
  readonly #construct: ConstructHandler;

  constructor(
    lifecycle: RepoApiKeyLifecycle,
    private readonly version: string,
    log: EngineLog,
    /** The engine's address, which a component's registrations need (Construct). */
    engineAddress?: string,
    private readonly schedule: RotationScheduleHandlers = new RotationScheduleHandlers(),
  ) {
    lifecycle.sendWarningsTo((message) => log.warn(message, ""));
    schedule.lifecycle.sendWarningsTo((message) => log.warn(message, ""));
    this.#session = new PluginSession(lifecycle, log);
    this.#config = new ConfigHandlers(this.#session);
    this.#repoApiKey = new RepoApiKeyHandlers(this.#session);
    this.#functions = new FunctionHandlers(this.#session);
    this.#construct = new ConstructHandler(this.#session, engineAddress);
  }

  /** The handlers grpc-js serves: each one answers its call or fails it with a readable message. */
  handlers(): grpcJs.UntypedServiceImplementation {
    const handle =
      (method: (request: ProtoRequest) => Promise<unknown>) =>
      (call: Call, callback: Callback): void => {
        method(call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(error instanceof EngineFailure ? error.status : this.#session.toGrpcError(error, SECRET_OUTPUTS)),
        );
      };
    const config = this.#config;
    const functions = this.#functions;
    return {
      getPluginInfo: handle(async () => new pluginProto.PluginInfo().setVersion(this.version)),
      getSchema: handle(async () => new providerProto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema(this.version)))),
      checkConfig: handle((request) => config.checkConfig(request)),
      diffConfig: handle((request) => config.diffConfig(request)),
      configure: handle((request) => config.configure(request)),
      cancel: handle(() => config.cancel()),
      check: handle(this.#byType("check")),
      diff: handle(this.#byType("diff")),
      create: handle(this.#byType("create")),
      read: handle(this.#byType("read")),
      update: handle(this.#byType("update")),
      delete: handle(this.#byType("delete")),
      invoke: handle((request) => functions.invoke(request)),
      construct: handle((request) => this.#construct.construct(request)),
      list: (call: grpcJs.ServerWritableStream<ProtoRequest, unknown>) => {
        functions.list(call.request).then(
          (responses) => {
            for (const response of responses) call.write(response);
            call.end();
          },
          (error: unknown) => call.emit("error", this.#session.toGrpcError(error, SECRET_OUTPUTS)),
        );
      },
    };
  }

  /** A text with every secret this process has seen masked: the lifecycle's, and those a Construct's SDK runtime carried. */
  redact(text: string): string {
    return this.#session.redact(text);
  }

  /** A resource method of the type the request's URN names: a RotationSchedule's go to its own handlers. */
  #byType(method: ResourceMethod): (request: ProtoRequest) => Promise<unknown> {
    return (request) =>
      resourceTypeOf(request.getUrn()) === ROTATION_SCHEDULE_TOKEN ? this.schedule[method](request) : this.#repoApiKey[method](request);
  }
}
