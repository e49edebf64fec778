import { emptyProto, providerProto, toStruct, wrapSecrets, type Props } from "../engine/pulumi-protocol";
import { scopeOfUrn } from "../lifecycle/reservation";
import { pickInputs } from "../lifecycle/to-outputs";
import { SECRET_OUTPUTS, type RepoApiKeyOutputs } from "../definitions/repo-api-key";
import { definedOnly, EngineFailure, type PluginSession, type ProtoRequest } from "./plugin-session";
import { isExistsUrn, resourceTypeOf } from "./resource-urn";
import { REPO_API_KEY_TOKEN } from "../definitions/tokens";

/**
 * The plugin's `flashback:index:RepoApiKey`: the protocol's Check, Diff and CRUD on the lifecycle
 * the dynamic `RepoApiKey` runs. The plugin tells the engine it accepts secrets, so the engine no
 * longer marks outputs for it: every answer wraps as secret each field that came in secret (a
 * secret `name`, say) as well as `key` and `secret`, and the lifecycle masks those values in its messages.
 */
export class RepoApiKeyHandlers {
  constructor(private readonly session: PluginSession) {}

  async check(request: ProtoRequest): Promise<unknown> {
    requireType(request.getUrn());
    const { plain, secretKeys } = this.session.unwrap(request.getNews());
    const { inputs, failures } = await this.session.lifecycle.checkFully(plain, this.session.unwrap(request.getOlds()).plain);
    return new providerProto.CheckResponse()
      .setInputs(toStruct(wrapSecrets(inputs, secretKeys)))
      .setFailuresList(failures.map((failure) => new providerProto.CheckFailure().setProperty(failure.property).setReason(failure.reason)));
  }

  /** Besides the lifecycle's diff, a field that became secret with the same value is an update, so that its output is stored secret too. */
  async diff(request: ProtoRequest): Promise<unknown> {
    const stored = this.session.unwrap(request.getOlds());
    const { plain: news, secretKeys } = this.session.unwrap(request.getNews());
    const diff = await this.session.lifecycle.diffFully(stored.plain, news);
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
    const { lifecycle } = this.session;
    const { plain: inputs, secretKeys } = this.session.unwrap(request.getProperties());
    if (request.getPreview()) {
      return new providerProto.CreateResponse().setId("").setProperties(toStruct(wrapSecrets(lifecycle.previewCreate(inputs), secretKeys)));
    }
    lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    try {
      const created = await lifecycle.create(inputs);
      return new providerProto.CreateResponse().setId(created.id).setProperties(toOutputsStruct(created.outputs, secretKeys));
    } catch (error) {
      throw new EngineFailure(this.session.toGrpcError(error, [...SECRET_OUTPUTS, ...secretKeys]));
    }
  }

  /**
   * A refresh (the stored outputs come along), an `exists()` (only the id, and what the program
   * passed beside it) or an import (only the id, `<repoId>/<keyId>`). What was secret in the stored
   * outputs or inputs stays secret in every answer.
   */
  async read(request: ProtoRequest): Promise<unknown> {
    const { lifecycle } = this.session;
    const { plain: stored, secretKeys } = this.session.unwrap(request.getProperties());
    const given = this.session.unwrap(request.getInputs());
    const secret = [...secretKeys, ...given.secretKeys];
    if (Object.keys(stored).length === 0 && isExistsUrn(request.getUrn())) {
      const found = await lifecycle.lookUpKey(request.getId(), given.plain);
      // No properties: the engine's "does not exist".
      return found === undefined ? new providerProto.ReadResponse().setId("") : readResponse(found.id, found.outputs, secret);
    }
    if (Object.keys(stored).length === 0) {
      const imported = await lifecycle.importKey(request.getId());
      this.session.log.warn(imported.warning, request.getUrn());
      return readResponse(imported.id, imported.outputs, secret);
    }
    const current = await lifecycle.read(request.getId(), stored);
    // An empty id tells the engine the key is gone: it leaves the state.
    if (current === undefined) return new providerProto.ReadResponse().setId("");
    return readResponse(current.id, current.outputs, secret, given.plain.pair);
  }

  async update(request: ProtoRequest): Promise<unknown> {
    const { lifecycle } = this.session;
    const olds = this.session.unwrap(request.getOlds()).plain;
    const { plain: news, secretKeys } = this.session.unwrap(request.getNews());
    if (request.getPreview()) {
      return new providerProto.UpdateResponse().setProperties(toOutputsStruct(lifecycle.previewUpdate(olds, news), secretKeys));
    }
    lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    const updated = await lifecycle.update(request.getId(), olds, news);
    return new providerProto.UpdateResponse().setProperties(toOutputsStruct(updated, secretKeys));
  }

  async delete(request: ProtoRequest): Promise<unknown> {
    const stored = this.session.unwrap(request.getProperties()).plain;
    this.session.lifecycle.useDeploymentScope(scopeOfUrn(request.getUrn()));
    await this.session.lifecycle.delete(request.getId(), stored);
    return new emptyProto.Empty();
  }
}

function requireType(urn: string): void {
  const type = resourceTypeOf(urn);
  if (type !== undefined && type !== REPO_API_KEY_TOKEN) throw new Error(`the flashback provider has no resource type "${type}"`);
}

/** Outputs as the engine stores them: `key`, `secret` and whatever came in secret wrapped as secrets. */
function toOutputsStruct(outputs: RepoApiKeyOutputs | Props, secretInputs: readonly string[] = []): unknown {
  return toStruct(wrapSecrets(definedOnly({ ...outputs }), [...SECRET_OUTPUTS, ...secretInputs]));
}

/** The inputs go back as Flashback has them; a key of a RotatingRepoApiKey keeps what its pair remembers, which Flashback knows nothing of. */
function readResponse(id: string, outputs: RepoApiKeyOutputs, secret: readonly string[], pair?: unknown): unknown {
  const inputs = { ...pickInputs(outputs), ...(pair === undefined ? {} : { pair }) };
  return new providerProto.ReadResponse()
    .setId(id)
    .setProperties(toOutputsStruct(outputs, secret))
    .setInputs(toStruct(wrapSecrets(inputs, secret)));
}
