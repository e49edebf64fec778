import { Deadline, systemClock, type Clock } from "../client/clock";
import { FlashbackClient } from "../client/flashback-client";
import { preloadGot, type HttpTransport } from "../client/http-transport";
import { CancelledError } from "../errors/CancelledError";
import { InputError } from "../errors/InputError";
import { SecretRegistry } from "../errors/redact";
import { requireCredentials, resolveSettings, type Settings, type SettingsSources } from "../settings/resolve-settings";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../types/resource";
import { checkInputs, isKnown, UNKNOWN_VALUE, type CheckedInputs } from "./check-inputs";
import { createKeyWithoutOrphans, IncompleteKeyError } from "./create-without-orphans";
import { diffInputs, type InputsDiff } from "./diff-inputs";
import { engineProbeFromArgv, type EngineProbe } from "./engine-liveness";
import { ListCache } from "./list-cache";
import { PartialKeyError } from "./partial-key-error";
import { isDeploymentScope, processScope } from "./reservation";
import { ReservationSweep } from "./reservation-sweep";
import { parseImportId } from "./import-id";
import { pickInputs, pickOutputs, toCreatedOutputs, toImportedOutputs, toRefreshedOutputs } from "./to-outputs";

/** Properties as the engine hands them over: plain values, not validated yet. */
export type Properties = Readonly<Record<string, unknown>>;

/** Where settings come from besides the environment: the stack config, or an explicit provider's inputs. */
export type ConfigSource = NonNullable<SettingsSources["config"]>;

/** How to build a lifecycle other than the process's own: for tests and tools. */
export interface LifecycleOptions {
  /** Environment to read settings from when the stack config has none; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** For tests: pinned jitter and clock. */
  random?: () => number;
  clock?: Clock;
  /** For tests and models: HTTP without a network (an in-memory Flashback); got by default. */
  transport?: HttpTransport;
  /**
   * The stack's reservation scope (reservation.ts), a label in reservation names. Without one the
   * lifecycle serves no deployment (a tool, a test): it names reservations for its process and sweeps nothing.
   */
  deploymentScope?: string;
  /** Whether the engine can still receive a new key; by default a probe of the address Pulumi started the process with. */
  engineListening?: EngineProbe;
}

/**
 * What the engine asks of a `RepoApiKey`, in the lifecycle's own terms: validate, diff, preview,
 * create, read, import, update, delete. It knows neither front: the dynamic provider
 * (dynamic/repo-api-key-provider.ts) and the plugin (plugin/resource-provider-service.ts) each
 * translate their engine's messages to these calls. One instance per provider process, so the gate,
 * the token and the record of created keys are shared by every resource in the deployment.
 */
export class RepoApiKeyLifecycle {
  readonly #options: LifecycleOptions;
  #sources: SettingsSources;
  #client: FlashbackClient | undefined;
  readonly #secrets = new SecretRegistry();
  readonly #listings: ListCache;
  /** The stack's reservation scope, once a stub, a URN or the options told it: then the lifecycle serves a deployment, and sweeps. */
  #stackScope: string | undefined;
  readonly #processScope = processScope();
  readonly #sweep: ReservationSweep;
  readonly #engineListening: EngineProbe;
  readonly #clock: Clock;
  readonly #cancellation = new AbortController();

  constructor(options: LifecycleOptions = {}) {
    this.#options = options;
    this.#sources = { env: options.env ?? process.env };
    this.#clock = options.clock ?? systemClock;
    this.#listings = new ListCache(() => this.#clock.monotonic());
    this.#stackScope = isDeploymentScope(options.deploymentScope) ? options.deploymentScope : undefined;
    this.#sweep = new ReservationSweep(() => this.#getClient());
    this.#engineListening = options.engineListening ?? engineProbeFromArgv();
  }

  /** Tells the lifecycle which stack it serves: its reservations are named for it, and it sweeps. A malformed scope is ignored. */
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

  /** `text` with every secret this lifecycle has seen masked. */
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
  configure(config?: ConfigSource): void {
    this.#sources = { ...(config ? { config } : {}), env: this.#sources.env ?? process.env };
    this.#client = undefined;
    preloadGot();
  }

  /** The inputs to store and every refused field, with no network call; failure messages are redacted. */
  check(news: Properties): CheckedInputs {
    const { inputs, failures } = checkInputs(news);
    return { inputs, failures: failures.map((failure) => ({ ...failure, reason: this.redact(failure.reason) })) };
  }

  diff(olds: Properties, news: Properties): InputsDiff {
    return diffInputs(olds as Partial<RepoApiKeyOutputs>, news);
  }

  /** What a create will store, as a preview shows it: the inputs, and a key and secret not known yet. */
  previewCreate(inputs: Properties): Properties {
    return { ...inputs, key: UNKNOWN_VALUE, secret: UNKNOWN_VALUE };
  }

  /** What an update stores: the stored key with the new name and access type. Its preview shows the same. */
  previewUpdate(olds: Properties, news: Properties): RepoApiKeyOutputs {
    const { name, accessType } = news as Partial<RepoApiKeyInputs>;
    return {
      ...pickOutputs(olds as unknown as RepoApiKeyOutputs),
      name: name as string,
      accessType: accessType as RepoApiKeyInputs["accessType"],
    };
  }

  /** Creates the key without orphans (create-without-orphans.ts); a key it can neither hand over nor delete is a `PartialKeyError`. */
  async create(inputs: Properties): Promise<{ id: string; outputs: RepoApiKeyOutputs }> {
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
      return { id: created.id, outputs: toCreatedOutputs(valid, created) };
    } catch (error) {
      if (error instanceof IncompleteKeyError) {
        throw new PartialKeyError(error.message, error.keyId, { ...valid, key: error.key, secret: "" });
      }
      throw error;
    }
  }

  /** A refresh: the key as Flashback lists it now, or `undefined` when it is gone. */
  async read(id: string, stored: Properties): Promise<{ id: string; outputs: RepoApiKeyOutputs } | undefined> {
    const olds = requireStored(id, stored, "read");
    this.#refuseIfCancelled();
    const client = this.#getClient();
    const deadline = this.#deadline();
    const listing = await this.#listings.get(olds.repoId, () => client.listApiKeys(olds.repoId, { deadline }));
    const current = listing?.keys.find((key) => key.id === id);
    return current === undefined ? undefined : { id, outputs: toRefreshedOutputs(olds, current) };
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

  async update(id: string, stored: Properties, news: Properties): Promise<RepoApiKeyOutputs> {
    const olds = requireStored(id, stored, "update");
    const valid = requireValid(news);
    const deadline = this.#deadline();
    await this.#writing(olds.repoId, () =>
      this.#getClient().updateApiKey(olds.repoId, id, { name: valid.name, accessType: valid.accessType }, { deadline }),
    );
    return this.previewUpdate(stored, { ...valid });
  }

  async delete(id: string, stored: Properties): Promise<void> {
    const olds = requireStored(id, stored, "delete");
    const deadline = this.#deadline();
    await this.#writing(olds.repoId, () => this.#getClient().deleteApiKey(olds.repoId, id, { deadline }));
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
      requireCredentials(settings, this.#sources.config);
      this.#client = new FlashbackClient({
        settings,
        secrets: this.#secrets,
        clock: this.#clock,
        signal: this.#cancellation.signal,
        ...(this.#options.random ? { random: this.#options.random } : {}),
        ...(this.#options.transport ? { transport: this.#options.transport } : {}),
      });
    }
    return this.#client;
  }
}

/** Lifecycle methods may be called without `check` (tests, tools): bad input must still never reach Flashback. */
function requireValid(inputs: Properties): RepoApiKeyInputs {
  const { failures } = checkInputs(inputs);
  if (failures.length > 0 || !isKnown(inputs)) {
    throw new InputError(failures.length > 0 ? failures : [{ property: "inputs", reason: "inputs are not known yet" }]);
  }
  return pickInputs(inputs);
}

/** A stored key's properties: the engine sends them with every call but an import, which goes through `importKey`. */
function requireStored(id: string, stored: Properties, operation: "read" | "update" | "delete"): RepoApiKeyOutputs {
  if (typeof stored.repoId !== "string" || stored.repoId === "") {
    throw new InputError([
      { property: "repoId", reason: `repoId is required to ${operation} key "${id}", and its stored properties have none` },
    ]);
  }
  return stored as unknown as RepoApiKeyOutputs;
}
