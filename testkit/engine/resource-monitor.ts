import { emptyProto, fromStruct, grpc, resourceGrpc, resourceProto, toStruct, type Props } from "./pulumi-internals";

/** What the program asked the engine to register: the fields the tests assert on. */
export interface Registration {
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  /** The provider reference the resource names (`<urn>::<id>`), empty for the default one. */
  provider: string;
  /** Inputs as the program sent them, secret values still wrapped. */
  object: Props;
  additionalSecretOutputs: string[];
  /** The resource options that mean something for a key, as the request carries them. */
  options: RegisteredOptions;
}

export interface RegisteredOptions {
  protect: boolean;
  retainOnDelete: boolean;
  deletedWith: string;
  customTimeouts: { create: string; update: string; delete: string } | undefined;
  ignoreChanges: string[];
  replaceOnChanges: string[];
}

export interface RegisterResult {
  urn: string;
  id?: string;
  /** Outputs to send back; secret ones already wrapped. */
  object: Props;
}

/** A request's custom timeouts, undefined where none is set (the Node.js SDK always sends the message). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the generated stubs carry no types
function timeoutsOf(timeouts: any): RegisteredOptions["customTimeouts"] {
  const given = { create: timeouts?.getCreate() ?? "", update: timeouts?.getUpdate() ?? "", delete: timeouts?.getDelete() ?? "" };
  return Object.values(given).some((value) => value !== "") ? given : undefined;
}

/** Features the Node.js SDK asks about; without `secrets` it silently drops secret markers. */
const SUPPORTED_FEATURES = new Set([
  "secrets",
  "resourceReferences",
  "outputValues",
  "deletedWith",
  "aliasSpecs",
  "additionalSecretOutputs",
]);

/**
 * A small ResourceMonitor: the gRPC service a Pulumi program talks to. It hands every
 * RegisterResource to `onRegister` and keeps the stack outputs.
 */
export class ResourceMonitor {
  readonly registrations: Registration[] = [];
  stackOutputs: Props = {};
  private server = new grpc.Server();

  private constructor(private readonly onRegister: (registration: Registration) => Promise<RegisterResult>) {}

  static async start(
    onRegister: (registration: Registration) => Promise<RegisterResult>,
  ): Promise<{ monitor: ResourceMonitor; address: string }> {
    const monitor = new ResourceMonitor(onRegister);
    monitor.server.addService(resourceGrpc.ResourceMonitorService, monitor.handlers());
    const port = await new Promise<number>((resolve, reject) =>
      monitor.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    return { monitor, address: `127.0.0.1:${port}` };
  }

  stop(): void {
    this.server.forceShutdown();
  }

  /* eslint-disable @typescript-eslint/no-explicit-any */
  private handlers(): Record<string, (call: any, callback: any) => void> {
    return {
      supportsFeature: (call, callback) => {
        const response = new resourceProto.SupportsFeatureResponse();
        response.setHassupport(SUPPORTED_FEATURES.has(call.request.getId()));
        callback(null, response);
      },
      registerResource: (call, callback) => {
        const request = call.request;
        const registration: Registration = {
          type: request.getType(),
          name: request.getName(),
          custom: request.getCustom(),
          parent: request.getParent(),
          provider: request.getProvider(),
          object: fromStruct(request.getObject()),
          additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
          options: {
            protect: request.getProtect(),
            retainOnDelete: request.getRetainondelete(),
            deletedWith: request.getDeletedwith(),
            customTimeouts: timeoutsOf(request.getCustomtimeouts()),
            ignoreChanges: request.getIgnorechangesList(),
            replaceOnChanges: request.getReplaceonchangesList(),
          },
        };
        this.registrations.push(registration);
        this.onRegister(registration).then(
          (result) => {
            const response = new resourceProto.RegisterResourceResponse();
            response.setUrn(result.urn);
            if (result.id !== undefined) response.setId(result.id);
            response.setObject(toStruct(result.object));
            callback(null, response);
          },
          (error: Error) => callback({ code: grpc.status.UNKNOWN, details: error.message }),
        );
      },
      registerResourceOutputs: (call, callback) => {
        const request = call.request;
        if (request.getUrn().includes("pulumi:pulumi:Stack")) this.stackOutputs = fromStruct(request.getOutputs());
        callback(null, new emptyProto.Empty());
      },
    };
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
