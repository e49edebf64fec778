import type * as pulumi from "@pulumi/pulumi";
import { PartialKeyError } from "../errors/partial-key-error";
import { RepoApiKeyLifecycle, type Properties } from "../lifecycle/repo-api-key-lifecycle";
import { processEngineWarnings } from "../engine/engine-log";
import { pickInputs } from "../lifecycle/to-outputs";
import { generationOfTrigger } from "../rotation/key-pair-rule";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../definitions/repo-api-key";

/** The serialized provider travels with every resource under this key; partial resources must carry it too. */
const PROVIDER_KEY = "__provider";

/**
 * The dynamic front: what Pulumi's dynamic-provider host calls for each `RepoApiKey` a TypeScript
 * or JavaScript program declares, translated to the lifecycle. The host marks secrets and previews
 * itself; what is left here is its result shapes and `__provider`.
 */
export class RepoApiKeyProvider implements pulumi.dynamic.ResourceProvider<RepoApiKeyInputs, RepoApiKeyOutputs> {
  constructor(readonly lifecycle: RepoApiKeyLifecycle = new RepoApiKeyLifecycle({ warn: processEngineWarnings() })) {}

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.lifecycle.configure(request.config);
  }

  async check(olds: RepoApiKeyInputs, news: RepoApiKeyInputs): Promise<pulumi.dynamic.CheckResult<RepoApiKeyInputs>> {
    const { inputs, failures } = await this.lifecycle.checkFully(properties(news), properties(olds ?? {}));
    return { inputs: inputs as unknown as RepoApiKeyInputs, failures };
  }

  /**
   * The host sends the engine `changes`, `replaces` and `deleteBeforeReplace`, never which fields
   * changed, and the engine applies `replaceOnChanges` only to fields a diff names. So a change
   * Flashback makes in place is answered "unknown" (`changes` left out): the engine then diffs the
   * stored inputs against the new ones itself, names the fields, and a `replaceOnChanges` on one
   * of them replaces the key. A replacement, or no change, is answered as it is.
   */
  async diff(_id: string, olds: RepoApiKeyOutputs, news: RepoApiKeyInputs): Promise<pulumi.dynamic.DiffResult> {
    const { changes, replaces, stables, deleteBeforeReplace } = await this.lifecycle.diffFully(properties(olds), properties(news));
    const inPlaceOnly = changes && replaces.length === 0;
    return { ...(inPlaceOnly ? {} : { changes }), replaces, stables, deleteBeforeReplace };
  }

  async create(inputs: RepoApiKeyInputs): Promise<pulumi.dynamic.CreateResult<RepoApiKeyOutputs>> {
    try {
      const created = await this.lifecycle.create(properties(inputs));
      return { id: created.id, outs: created.outputs };
    } catch (error) {
      if (error instanceof PartialKeyError) throw toInitError(error, properties(inputs)[PROVIDER_KEY]);
      throw error;
    }
  }

  /**
   * A refresh, or a Read given only an id (`exists()`): then the host hands over what the program
   * passed beside the id in place of a stored state, which always has `key` and `secret`.
   */
  async read(id: string, props?: RepoApiKeyOutputs): Promise<pulumi.dynamic.ReadResult<RepoApiKeyOutputs>> {
    if (props === undefined || (typeof props.key !== "string" && typeof props.secret !== "string")) {
      const found = await this.lifecycle.lookUpKey(id, props === undefined ? {} : properties(props));
      return found === undefined ? { id: "" } : { id: found.id, props: found.outputs };
    }
    const current = await this.lifecycle.read(id, properties(props));
    // An empty id tells the engine the key is gone: it leaves the state. The inputs go back too, as
    // Flashback has them: the next `up` diffs against them, which is what makes `ignoreChanges` hold.
    if (current === undefined) return { id: "" };
    // A key of a RotatingRepoApiKey: no inputs, so the engine keeps the stored ones with what the pair remembers (the host sees only outputs).
    if (generationOfTrigger(current.outputs.rotateWhenChanged) !== undefined) return { id: current.id, props: current.outputs };
    return { id: current.id, props: current.outputs, inputs: asReadInputs(current.outputs) };
  }

  async update(id: string, olds: RepoApiKeyOutputs, news: RepoApiKeyInputs): Promise<pulumi.dynamic.UpdateResult<RepoApiKeyOutputs>> {
    return { outs: await this.lifecycle.update(id, properties(olds), properties(news)) };
  }

  async delete(id: string, props: RepoApiKeyOutputs): Promise<void> {
    await this.lifecycle.delete(id, properties(props));
  }
}

/** The host's values are untyped at run time, whatever its signatures say: the lifecycle validates them. */
function properties(value: RepoApiKeyInputs | RepoApiKeyOutputs): Properties {
  return value as unknown as Properties;
}

/** The inputs a refresh stores: `ReadResult` types them as outputs, and the host passes on whatever it gets. */
function asReadInputs(outputs: RepoApiKeyOutputs): RepoApiKeyOutputs {
  return pickInputs(outputs) as RepoApiKeyOutputs;
}

/**
 * The host's "init error": the engine records the key (id and properties) as a partial resource
 * instead of forgetting it. The properties carry `__provider`, without which the host could not
 * load the provider to replace or delete the key later.
 */
function toInitError(error: PartialKeyError, serializedProvider: unknown): Error {
  return Object.assign(new Error(error.message), {
    id: error.id,
    properties: { ...error.outputs, [PROVIDER_KEY]: serializedProvider },
    reasons: [error.message],
  });
}
