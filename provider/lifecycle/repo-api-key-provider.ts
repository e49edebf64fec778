import type * as pulumi from "@pulumi/pulumi";
import { Deadline, systemClock, type Clock } from "../client/clock";
import { FlashbackClient } from "../client/flashback-client";
import { preloadGot } from "../client/http-transport";
import { CancelledError } from "../errors/CancelledError";
import { InputError } from "../errors/InputError";
import { SecretRegistry } from "../errors/redact";
import { requireCredentials, resolveSettings, type Settings, type SettingsSources } from "../settings/resolve-settings";
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
  clock?: Clock;
  /**
   * The stack's reservation scope (reservation.ts), a label in reservation names. Without one the
   * provider serves no deployment (a tool, a test): it names reservations for its process and sweeps nothing.
   */
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
  /** The stack's reservation scope, once a stub or the options told it: then the provider serves a deployment, and sweeps. */
  #stackScope: string | undefined;
  readonly #processScope = processScope();
  readonly #sweep: ReservationSweep;
  readonly #engineListening: EngineProbe;
  readonly #clock: Clock;
  readonly #cancellation = new AbortController();

  constructor(options: ProviderOptions = {}) {
    this.#options = options;
    this.#sources = { env: options.env ?? process.env };
    this.#clock = options.clock ?? systemClock;
    this.#listings = new ListCache(() => this.#clock.monotonic());
    this.#stackScope = isDeploymentScope(options.deploymentScope) ? options.deploymentScope : undefined;
    this.#sweep = new ReservationSweep(() => this.#getClient());
    this.#engineListening = options.engineListening ?? engineProbeFromArgv();
  }

  /** Tells the provider which stack it serves: its reservations are named for it, and it sweeps. A malformed scope is ignored. */
  useDeploymentScope(scope: unknown): void {
    if (isDeploymentScope(scope)) this.#stackScope = scope;
  }

  /**
   * Values that reached the provider as secrets (a secret `name`, say): every message masks them
   * as it masks tokens and key secrets.
   */
  treatAsSecret(...values: unknown[]): void {
    for (const value of values) if (typeof value === "string") this.#secrets.add(value);
  }

  /** `text` with every secret this provider has seen masked. */
  redact(text: string): string {
    return this.#secrets.redact(text);
  }

  /**
   * The engine's `Cancel` (Ctrl-C): no new operation starts, no request is retried, and every
   * wait (backoff, `Retry-After`, the rate-limit pause) ends at once. Requests already sent get
   * their answers, and what an operation made is still cleaned up or handed over, so the
   * reservation rules hold.
   */
  cancel(): void {
    this.#cancellation.abort();
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
    this.#refuseIfCancelled();
    const client = this.#getClient();
    const context = {
      client,
      scope: this.#stackScope ?? this.#processScope,
      engineListening: this.#engineListening,
      clock: this.#clock,
      random: this.#options.random ?? Math.random,
      signal: this.#cancellation.signal,
      operationTimeoutMs: this.#settings().operationTimeoutMs,
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
    this.#refuseIfCancelled();
    const client = this.#getClient();
    const deadline = this.#deadline();
    const listing = await this.#listings.get(props.repoId, () => client.listApiKeys(props.repoId, { deadline }));
    const current = listing?.keys.find((key) => key.id === id);
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
    this.#refuseIfCancelled();
    const listing = await this.#getClient().listApiKeys(repoId, { deadline: this.#deadline() });
    if (listing === undefined) throw new InputError([{ property: "id", reason: `Flashback has no repository "${repoId}"` }]);
    const current = listing.keys.find((key) => key.id === keyId);
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
    const deadline = this.#deadline();
    await this.#writing(olds.repoId, () =>
      this.#getClient().updateApiKey(olds.repoId, id, { name: valid.name, accessType: valid.accessType }, { deadline }),
    );
    return { outs: { ...pickOutputs(olds), name: valid.name, accessType: valid.accessType } };
  }

  async delete(id: string, props: RepoApiKeyOutputs): Promise<void> {
    const deadline = this.#deadline();
    await this.#writing(props.repoId, () => this.#getClient().deleteApiKey(props.repoId, id, { deadline }));
  }

  /**
   * A write first waits for the repository's sweep, and drops the repository's shared listing
   * before and after, so no read is answered from a listing older than it.
   */
  async #writing<T>(repoId: string, write: () => Promise<T>): Promise<T> {
    this.#refuseIfCancelled();
    if (this.#stackScope !== undefined) await this.#sweep.beforeWrite(repoId);
    this.#refuseIfCancelled();
    this.#listings.invalidate(repoId);
    try {
      return await write();
    } finally {
      this.#listings.invalidate(repoId);
    }
  }

  /** One operation's deadline: `operationTimeout` bounds all its requests and retries. */
  #deadline(): Deadline {
    return new Deadline(this.#clock, this.#settings().operationTimeoutMs);
  }

  #settings(): Settings {
    return this.#getClient().settings;
  }

  #refuseIfCancelled(): void {
    if (this.#cancellation.signal.aborted) throw new CancelledError();
  }

  #getClient(): FlashbackClient {
    if (this.#client === undefined) {
      const settings = resolveSettings(this.#sources);
      requireCredentials(settings);
      this.#client = new FlashbackClient({
        settings,
        secrets: this.#secrets,
        clock: this.#clock,
        signal: this.#cancellation.signal,
        ...(this.#options.random ? { random: this.#options.random } : {}),
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
