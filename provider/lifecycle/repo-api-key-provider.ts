import type * as pulumi from "@pulumi/pulumi";
import { FlashbackClient } from "../client/flashback-client";
import { preloadGot } from "../client/http-transport";
import { InputError } from "../errors/InputError";
import { SecretRegistry } from "../errors/redact";
import { requireCredentials, resolveSettings, type SettingsSources } from "../settings/resolve-settings";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../types/resource";
import { checkInputs, isKnown } from "./check-inputs";
import { createKeyWithoutOrphans, IncompleteKeyError } from "./create-without-orphans";
import { diffInputs } from "./diff-inputs";
import { engineProbeFromArgv, type EngineProbe } from "./engine-liveness";
import { ListCache } from "./list-cache";
import { isDeploymentScope, processScope } from "./reservation";
import { ReservationSweep } from "./reservation-sweep";
import { parseImportId } from "./import-id";
import { pickInputs, pickOutputs, toCreatedOutputs, toImportedOutputs, toRefreshedOutputs } from "./to-outputs";

/** The serialized provider travels with every resource under this key; partial resources must carry it too. */
const PROVIDER_KEY = "__provider";

/** How to build a `RepoApiKeyProvider` other than the process's own: for tests and tools. */
export interface ProviderOptions {
  /** Environment to read settings from when the stack config has none; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** For tests: pinned jitter and clock. */
  random?: () => number;
  now?: () => number;
  /** The stack's reservation scope (reservation.ts); without one, reservations are this process's alone and nothing is swept. */
  deploymentScope?: string;
  /** Whether the engine can still receive a new key; by default a probe of the address Pulumi started the process with. */
  engineListening?: EngineProbe;
}

/**
 * What the engine calls for each `RepoApiKey`: thin methods that validate, call the client and map
 * its answers to results. One instance per provider process, so the gate, the token and the record
 * of created keys are shared by every resource in the deployment.
 */
export class RepoApiKeyProvider implements pulumi.dynamic.ResourceProvider<RepoApiKeyInputs, RepoApiKeyOutputs> {
  readonly #options: ProviderOptions;
  #sources: SettingsSources;
  #client: FlashbackClient | undefined;
  readonly #secrets = new SecretRegistry();
  readonly #listings: ListCache;
  /** The stack's reservation scope, once a stub or the options told it; reservations then go under it and are swept. */
  #stackScope: string | undefined;
  /** Reservations of a provider that serves no known stack: unique to this process, never swept. */
  readonly #processScope = processScope();
  readonly #reservationsInFlight = new Set<string>();
  readonly #sweep: ReservationSweep;
  readonly #engineListening: EngineProbe;

  constructor(options: ProviderOptions = {}) {
    this.#options = options;
    this.#sources = { env: options.env ?? process.env };
    this.#listings = new ListCache(options.now);
    this.#stackScope = isDeploymentScope(options.deploymentScope) ? options.deploymentScope : undefined;
    this.#sweep = new ReservationSweep(
      () => this.#getClient(),
      () => this.#stackScope,
      this.#reservationsInFlight,
    );
    this.#engineListening = options.engineListening ?? engineProbeFromArgv();
  }

  /**
   * Tells the provider which stack it serves, so that it sweeps what an interrupted deployment of
   * that stack left (reservation-sweep.ts). A malformed scope is ignored: sweeping under it could
   * never be proven safe.
   */
  useDeploymentScope(scope: unknown): void {
    if (isDeploymentScope(scope)) this.#stackScope = scope;
  }

  /** Receives the stack config; settings are read from it (and the environment) at the first call that needs them. */
  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#sources = { config: request.config, env: this.#sources.env ?? process.env };
    this.#client = undefined;
    preloadGot();
  }

  async check(_olds: RepoApiKeyInputs, news: RepoApiKeyInputs): Promise<pulumi.dynamic.CheckResult<RepoApiKeyInputs>> {
    const { inputs, failures } = checkInputs(news as unknown as Record<string, unknown>);
    return { inputs: inputs as unknown as RepoApiKeyInputs, failures };
  }

  async diff(_id: string, olds: RepoApiKeyOutputs, news: RepoApiKeyInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffInputs(olds, news as unknown as Record<string, unknown>);
  }

  async create(inputs: RepoApiKeyInputs): Promise<pulumi.dynamic.CreateResult<RepoApiKeyOutputs>> {
    const valid = requireValid(inputs);
    const context = {
      client: this.#getClient(),
      scope: this.#stackScope ?? this.#processScope,
      inFlight: this.#reservationsInFlight,
      engineListening: this.#engineListening,
    };
    try {
      const created = await this.#writing(valid.repoId, () => createKeyWithoutOrphans(context, valid));
      return { id: created.id, outs: toCreatedOutputs(valid, created) };
    } catch (error) {
      if (error instanceof IncompleteKeyError) throw toInitError(error, valid, inputs);
      throw error;
    }
  }

  async read(id: string, props?: RepoApiKeyOutputs): Promise<pulumi.dynamic.ReadResult<RepoApiKeyOutputs>> {
    if (props === undefined || typeof props.repoId !== "string") {
      // Only `import` reads without stored properties, and Node.js dynamic resources cannot be imported.
      throw new InputError([
        { property: "repoId", reason: `reading key "${id}" needs its stored repoId; importing a RepoApiKey is not supported` },
      ]);
    }
    const client = this.#getClient();
    const listed = await this.#listings.get(props.repoId, () => client.listApiKeys(props.repoId));
    const current = listed?.find((key) => key.id === id);
    // An empty id tells the engine the key is gone: it leaves the state.
    if (current === undefined) return { id: "" };
    return { id, props: toRefreshedOutputs(props, current) };
  }

  /**
   * `pulumi import` of an existing key, by `<repoId>/<keyId>`: its inputs and `key` from Flashback's
   * list. Its secret stays empty: Flashback shows it once, at creation. The warning says so.
   */
  async importKey(importId: string): Promise<{ id: string; outputs: RepoApiKeyOutputs; warning: string }> {
    const { repoId, keyId } = parseImportId(importId);
    const listed = await this.#getClient().listApiKeys(repoId);
    if (listed === undefined) throw new InputError([{ property: "id", reason: `Flashback has no repository "${repoId}"` }]);
    const current = listed.find((key) => key.id === keyId);
    if (current === undefined) {
      throw new InputError([{ property: "id", reason: `Flashback has no API key "${keyId}" in repository "${repoId}"` }]);
    }
    return {
      id: keyId,
      outputs: toImportedOutputs(repoId, current),
      warning:
        `API key "${keyId}" was imported without its secret: Flashback shows a secret only once, when the key is created, so \`secret\` is empty. ` +
        "Whoever holds the secret can keep using the key; to have one in this stack, rotate it: set rotateWhenChanged to a new value and run `pulumi up`",
    };
  }

  async update(id: string, olds: RepoApiKeyOutputs, news: RepoApiKeyInputs): Promise<pulumi.dynamic.UpdateResult<RepoApiKeyOutputs>> {
    const valid = requireValid(news);
    await this.#writing(olds.repoId, () =>
      this.#getClient().updateApiKey(olds.repoId, id, { name: valid.name, accessType: valid.accessType }),
    );
    return { outs: { ...pickOutputs(olds), name: valid.name, accessType: valid.accessType } };
  }

  async delete(id: string, props: RepoApiKeyOutputs): Promise<void> {
    await this.#writing(props.repoId, () => this.#getClient().deleteApiKey(props.repoId, id));
  }

  /**
   * A write first waits for the repository's sweep, and drops the repository's shared listing
   * before and after, so no read is answered from a listing older than it.
   */
  async #writing<T>(repoId: string, write: () => Promise<T>): Promise<T> {
    await this.#sweep.beforeWrite(repoId);
    this.#listings.invalidate(repoId);
    try {
      return await write();
    } finally {
      this.#listings.invalidate(repoId);
    }
  }

  #getClient(): FlashbackClient {
    if (this.#client === undefined) {
      const settings = resolveSettings(this.#sources);
      requireCredentials(settings);
      this.#client = new FlashbackClient({
        settings,
        secrets: this.#secrets,
        ...(this.#options.random ? { random: this.#options.random } : {}),
        ...(this.#options.now ? { now: this.#options.now } : {}),
      });
    }
    return this.#client;
  }
}

/** Lifecycle methods may be called without `check` (tests, tools): bad input must still never reach Flashback. */
function requireValid(inputs: RepoApiKeyInputs): RepoApiKeyInputs {
  const record = inputs as unknown as Record<string, unknown>;
  const { failures } = checkInputs(record);
  if (failures.length > 0 || !isKnown(record)) {
    throw new InputError(failures.length > 0 ? failures : [{ property: "inputs", reason: "inputs are not known yet" }]);
  }
  return pickInputs(inputs);
}

/**
 * An "init error": the engine records the key (id and properties) as a partial resource instead of
 * forgetting it, so the next `up` replaces it and `destroy` deletes it.
 */
function toInitError(error: IncompleteKeyError, inputs: RepoApiKeyInputs, rawInputs: RepoApiKeyInputs): Error {
  const outputs: RepoApiKeyOutputs = { ...inputs, key: error.key, secret: "" };
  return Object.assign(new Error(error.message), {
    id: error.keyId,
    properties: { ...outputs, [PROVIDER_KEY]: (rawInputs as unknown as Record<string, unknown>)[PROVIDER_KEY] },
    reasons: [error.message],
  });
}
