/* eslint-disable @typescript-eslint/no-require-imports -- the SDK's internal runtime, named statically for the bundler */
import * as pulumi from "@pulumi/pulumi";
import {
  refusePlainBadRevokeKeys,
  refusePlainBadRotation,
  rotatingKeyPair,
  type RotatingKeyOutputs,
  type RotatingRepoApiKeyArgs,
  type ScheduleArgs,
  type SlotKeyArgs,
} from "../resources/rotating-key-pair";
import { deletedWithWarning, keyOptions, scheduleOptions } from "../resources/child-options";
import { maskSecretsInSdkLogs } from "../errors/sdk-runtime-redaction";
import { messageOf } from "../errors/message-of";
import { runConstructScoped } from "./construct-scope";
import type { EngineLog } from "../engine/engine-log";
import { SECRET_OUTPUTS, type PairMade } from "../definitions/repo-api-key";
import { packageVersion } from "./package-version";
import { fromStruct, isUnknown, providerProto, structProto, type Props } from "../engine/pulumi-protocol";
import { PLUGIN_DOWNLOAD_URL, REPO_API_KEY_TOKEN, ROTATING_REPO_API_KEY_TOKEN, ROTATION_SCHEDULE_TOKEN } from "../definitions/tokens";

/*
 * The plugin's Construct: the multi-language components, run in this process with Pulumi's Node.js
 * SDK against the engine's resource monitor, as the SDK's own provider server runs them
 * (@pulumi/pulumi/provider/server.js, `construct`). That server's class is not exported, so this
 * file does its steps with the SDK's pieces: configure the runtime, deserialize the inputs with their
 * dependencies, run the component, serialize its outputs, wait for its registrations.
 * Loaded on the first Construct only: a stack of plain keys never pays for the SDK's runtime.
 */
const settings: { awaitFeatureSupport(): Promise<void>; waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");
const state: { withLocalStorage<T>(run: () => Promise<T>): Promise<T> } = require("@pulumi/pulumi/runtime/state");
const server: {
  deserializeInputs(inputs: unknown, dependencies: unknown): Promise<Record<string, unknown>>;
} = require("@pulumi/pulumi/provider/server");

/** A request of Pulumi's generated protobuf classes, which carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ConstructRequest = any;

/**
 * As a generated SDK's resources say it, so that a Python or Go program's default provider serves
 * the children too. YAML registers its resources without a version: there the children get a
 * default provider of their own (one more plugin process), as an SDK's component would.
 */
const SERVED_BY_THIS_PLUGIN = { version: packageVersion(), pluginDownloadURL: PLUGIN_DOWNLOAD_URL };

/** The plugin's `flashback:index:RepoApiKey`, registered by a component: the engine sends it back to this plugin. */
class ServedRepoApiKey extends pulumi.CustomResource {
  declare readonly key: pulumi.Output<string>;
  declare readonly secret: pulumi.Output<string>;
  declare readonly encryptedSecret: pulumi.Output<string | undefined>;
  declare readonly rotateWhenChanged: pulumi.Output<string | undefined>;
  declare readonly pairMade: pulumi.Output<PairMade | undefined>;

  constructor(name: string, args: SlotKeyArgs, opts: pulumi.CustomResourceOptions) {
    super(
      REPO_API_KEY_TOKEN,
      name,
      { ...args, rotateWhenChanged: undefined, key: undefined, secret: undefined, encryptedSecret: undefined, pairMade: undefined },
      {
        ...opts,
        additionalSecretOutputs: [...SECRET_OUTPUTS],
        ...SERVED_BY_THIS_PLUGIN,
      },
    );
  }
}

/** The plugin's `flashback:index:RotationSchedule`, the child a component keeps for `rotateEveryDays`. */
class ServedRotationSchedule extends pulumi.CustomResource {
  declare readonly rotation: pulumi.Output<number>;

  constructor(name: string, args: ScheduleArgs, opts: pulumi.CustomResourceOptions) {
    super(
      ROTATION_SCHEDULE_TOKEN,
      name,
      { ...args, rotatedAt: undefined, nextRotationAfter: undefined },
      { ...opts, ...SERVED_BY_THIS_PLUGIN },
    );
  }
}

/** `RotatingRepoApiKey` for every language but TypeScript: the TypeScript class's logic over the plugin's keys. */
class ServedRotatingRepoApiKey extends pulumi.ComponentResource {
  readonly outputs: RotatingKeyOutputs;

  constructor(name: string, args: RotatingRepoApiKeyArgs, opts: pulumi.ComponentResourceOptions) {
    super(ROTATING_REPO_API_KEY_TOKEN, name, {}, opts);
    this.outputs = rotatingKeyPair(this, name, args, {
      key: (keyName, keyArgs, keyOpts) => new ServedRepoApiKey(keyName, keyArgs, { ...keyOpts, ...keyOptions(this, opts) }),
      schedule: (scheduleName, scheduleArgs, scheduleOpts) =>
        new ServedRotationSchedule(scheduleName, scheduleArgs, { ...scheduleOpts, ...scheduleOptions(this, opts) }),
    });
    this.registerOutputs({ ...this.outputs });
  }
}

/** What each component's token builds: the component, and the outputs it answers. */
type Built = { component: pulumi.ComponentResource; outputs: pulumi.Inputs };
const COMPONENTS: Record<string, (name: string, inputs: Record<string, unknown>, opts: pulumi.ComponentResourceOptions) => Built> = {
  [ROTATING_REPO_API_KEY_TOKEN]: (name, inputs, opts) => {
    const component = new ServedRotatingRepoApiKey(name, inputs as unknown as RotatingRepoApiKeyArgs, opts);
    return { component, outputs: { ...component.outputs } };
  },
};

/** Where a Construct reports: the engine's address and log, and the redaction every message goes through. */
export interface ConstructContext {
  engineAddress: string | undefined;
  log: EngineLog;
  redact(text: string): string;
}

/**
 * Answers a ConstructRequest: registers the component and its children through the monitor the
 * request names. A key the engine refuses (a bad accessType, say) fails it, through the outputs the
 * answer awaits or through the SDK's promises nobody awaits, whichever rejects first; the SDK's
 * rejections after a successful answer are that component's failure, reported through the engine.
 */
export async function construct(request: ConstructRequest, context: ConstructContext): Promise<unknown> {
  const type: string = request.getType();
  const build = COMPONENTS[type];
  if (build === undefined)
    throw new Error(`the flashback provider has no component "${type}"; it has ${Object.keys(COMPONENTS).join(", ")}`);
  const component = `${type} "${request.getName()}"`;
  const failedLate = (reason: unknown): void =>
    context.log.error(context.redact(`${component} failed after its Construct answered: ${messageOf(reason)}`), "");
  return runConstructScoped(() => state.withLocalStorage(() => run(request, context, build)), failedLate);
}

async function run(request: ConstructRequest, context: ConstructContext, build: (typeof COMPONENTS)[string]): Promise<unknown> {
  const { engineAddress } = context;
  pulumi.runtime.resetOptions(
    request.getProject(),
    request.getStack(),
    request.getParallel(),
    // Only the engine's log needs it; a plugin started without one (tests, `pulumi do`) still constructs.
    engineAddress ?? "",
    request.getMonitorendpoint(),
    request.getDryrun(),
    request.getOrganization(),
  );
  await settings.awaitFeatureSupport();
  maskSecretsInSdkLogs();
  pulumi.runtime.setAllConfig(Object.fromEntries(request.getConfigMap().entries()), request.getConfigsecretkeysList());
  const name: string = request.getName();
  refuseKnownBadRotation(name, fromStruct(request.getInputs()));
  const inputs = await server.deserializeInputs(request.getInputs(), request.getInputdependenciesMap());
  const { component, outputs } = build(name, inputs, componentOptions(request));
  const [serialized, dependencies] = await pulumi.runtime.serializeResourceProperties(`construct(${request.getType()}, ${name})`, outputs);
  const urn = await urnOf(component);
  if (request.getDeletedwith()) context.log.warn(deletedWithWarning(name, request.getDeletedwith()), urn);
  const response = new providerProto.ConstructResponse().setUrn(urn);
  response.setState(structProto.Struct.fromJavaScript(serialized));
  const dependencyMap = response.getStatedependenciesMap();
  for (const [key, resources] of dependencies) {
    const urns = await Promise.all([...resources].map(urnOf));
    dependencyMap.set(key, new providerProto.ConstructResponse.PropertyDependencies().setUrnsList(urns));
  }
  await settings.waitForRPCs();
  return response;
}

/** A bad `rotation` fails before anything is registered, naming the field; one not known yet (preview) passes. */
function refuseKnownBadRotation(name: string, inputs: Props): void {
  if (!isUnknown(inputs.rotation)) refusePlainBadRotation(name, inputs.rotation);
  if (!isUnknown(inputs.revokeKeys)) refusePlainBadRevokeKeys(name, inputs.revokeKeys);
}

/** The options the program gave the component, as the SDK's server rebuilds them. */
function componentOptions(request: ConstructRequest): pulumi.ComponentResourceOptions {
  const providers: Record<string, pulumi.ProviderResource> = {};
  for (const [pkg, ref] of request.getProvidersMap().entries()) providers[pkg] = new pulumi.DependencyProviderResource(ref);
  const aliases: (string | pulumi.Alias)[] = request.getAliasesList().map((alias: ConstructRequest) => {
    if (alias.hasUrn()) return alias.getUrn();
    const spec = alias.getSpec();
    return {
      ...(spec.getName() ? { name: spec.getName() } : {}),
      ...(spec.getProject() ? { project: spec.getProject() } : {}),
      ...(spec.getStack() ? { stack: spec.getStack() } : {}),
      ...(spec.hasParenturn() ? { parent: spec.getParenturn() } : spec.getNoparent() ? { parent: pulumi.rootStackResource } : {}),
    };
  });
  return {
    parent: request.getParent() ? new pulumi.DependencyResource(request.getParent()) : undefined,
    providers,
    aliases,
    dependsOn: request.getDependenciesList().map((urn: string) => new pulumi.DependencyResource(urn)),
    // Unset stays unset, for the engine to inherit from the component's own parent.
    ...(request.hasProtect() ? { protect: request.getProtect() } : {}),
    ...(request.hasRetainondelete() ? { retainOnDelete: request.getRetainondelete() } : {}),
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    ...(request.hasCustomtimeouts() ? { customTimeouts: customTimeoutsOf(request.getCustomtimeouts()) } : {}),
    ...(request.getDeletedwith() ? { deletedWith: new pulumi.DependencyResource(request.getDeletedwith()) } : {}),
  };
}

/** The request's timeouts, each one given (the generated `toObject` would name `delete` `pb_delete`). */
function customTimeoutsOf(timeouts: ConstructRequest): pulumi.CustomTimeouts {
  const given = { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== "")) as pulumi.CustomTimeouts;
}

/** A resource's URN, which the engine always knows, previews included. */
function urnOf(resource: pulumi.Resource): Promise<string> {
  return new Promise((resolve) => resource.urn.apply(resolve));
}
