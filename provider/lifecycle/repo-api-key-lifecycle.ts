import { setMaxListeners } from "node:events";
import { Deadline, systemClock, type Clock } from "../client/clock";
import { FlashbackClient, type ApiKeyListing } from "../client/flashback-client";
import { RequestGate } from "../client/request-gate";
import { preloadGot, type HttpTransport } from "../client/http-transport";
import { CancelledError } from "../errors/cancelled-error";
import { InputError } from "../errors/input-error";
import { KeyStillListedError } from "../errors/key-still-listed-error";
import { SecretRegistry } from "../errors/redact";
import {
  recipientRequiredBy,
  requireCredentials,
  resolveSettings,
  type Settings,
  type SettingsSources,
} from "../settings/resolve-settings";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../definitions/repo-api-key";
import { PairChecks, type NamedKey } from "./pair-check";
import { checkInputs, encryptToFailure, isKnown, missingRecipientFailure, UNKNOWN_VALUE, type CheckedInputs } from "./check-inputs";
import { createKeyWithoutOrphans } from "./create-without-orphans";
import { diffInputs, type InputsDiff } from "./diff-inputs";
import { engineProbeFromArgv, type EngineProbe } from "../engine/engine-liveness";
import { ListCache } from "./list-cache";
import { isDeploymentScope, isReservationName, processScope } from "./reservation";
import { ReservationSweep } from "./reservation-sweep";
import { UnseenRepositories, unseenRepositoryReason } from "./unseen-repository";
import { checkListArgs, checkLookupArgs, selectKey, toListedKeys, type ListedRepoApiKey, type RepoApiKeyList } from "./key-lookup";
import { LIST_FUNCTION, LOOKUP_FUNCTION } from "../definitions/tokens";
import { parseImportId, parseLookupId } from "./import-id";
import type { Recipient } from "../encryption/open-recipient";
import { openRecipientCached, sameRecipient } from "../encryption/recipient-cache";
import { hasPrivateKeyMarker } from "../encryption/recipient-shape";
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
  /** Where warnings for the user go (each front passes the engine's log); dropped by default. Every text is redacted first. */
  warn?: (message: string) => void;
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
  /** Set by `configure`: the next call resolves the settings again, and keeps the client if they are the same. */
  #sourcesChanged = false;
  #gate: RequestGate | undefined;
  readonly #secrets = new SecretRegistry();
  readonly #pairChecks = new PairChecks();
  readonly #listings: ListCache;
  /** The stack's reservation scope, once a stub, a URN or the options told it: then the lifecycle serves a deployment, and sweeps. */
  #stackScope: string | undefined;
  readonly #processScope = processScope();
  readonly #sweep: ReservationSweep;
  readonly #engineListening: EngineProbe;
  readonly #clock: Clock;
  readonly #cancellation = new AbortController();
  readonly #unseenRepositories: UnseenRepositories;
  #warn: ((message: string) => void) | undefined;

  constructor(options: LifecycleOptions = {}) {
    this.#options = options;
    // Every wait of every operation in flight listens to the one cancellation: hundreds at once are expected.
    setMaxListeners(0, this.#cancellation.signal);
    this.#sources = { env: options.env ?? process.env };
    this.#clock = options.clock ?? systemClock;
    this.#listings = new ListCache(() => this.#clock.monotonic());
    this.#stackScope = isDeploymentScope(options.deploymentScope) ? options.deploymentScope : undefined;
    this.#warn = options.warn;
    const warn = (message: string): void => this.#warn?.(this.redact(message));
    this.#sweep = new ReservationSweep(() => this.#getClient(), warn);
    this.#unseenRepositories = new UnseenRepositories(warn);
    this.#engineListening = options.engineListening ?? engineProbeFromArgv();
  }

  /** Tells the lifecycle which stack it serves: its reservations are named for it, and it sweeps. A malformed scope is ignored. */
  useDeploymentScope(scope: unknown): void {
    if (isDeploymentScope(scope)) this.#stackScope = scope;
  }

  /** Where warnings go from now on: the front that serves this lifecycle passes its engine's log. */
  sendWarningsTo(warn: (message: string) => void): void {
    this.#warn = warn;
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

  /**
   * Receives the stack config; settings are read from it (and the environment) at the first call
   * that needs them. Every dynamic resource configures the process's one lifecycle again, so the
   * client (its gate, its renewed token) is kept as long as the settings stay the same.
   */
  configure(config?: ConfigSource): void {
    this.#sources = { ...(config ? { config } : {}), env: this.#sources.env ?? process.env };
    this.#sourcesChanged = true;
    preloadGot();
  }

  /**
   * The inputs to store and every refused field, with no network call; failure messages are
   * redacted. With `requireEncryptTo`, a key without a recipient is refused: the engine's message names the resource.
   */
  check(news: Properties): CheckedInputs {
    const { inputs, failures } = checkInputs(news);
    const requiredBy = recipientRequiredBy(this.#sources);
    if (requiredBy !== undefined && inputs.encryptTo === undefined && !failures.some(isEncryptToFailure)) {
      failures.push(missingRecipientFailure(requiredBy));
    }
    return { inputs, failures: failures.map((failure) => ({ ...failure, reason: this.redact(failure.reason) })) };
  }

  /**
   * `check`, and what only the recipient's library can tell about `encryptTo` (a checksum, an
   * OpenPGP key's expiry and encryption subkey): what both fronts run. `check` alone stays
   * synchronous and library-free for the tools and models that call it.
   */
  async checkFully(news: Properties, olds: Properties = {}): Promise<CheckedInputs> {
    // A private key given by mistake is masked in every message from now on, though none quotes it.
    if (typeof news.encryptTo === "string" && hasPrivateKeyMarker(news.encryptTo)) this.treatAsSecret(news.encryptTo);
    const paired = await this.#pairChecks.check(olds, this.check(news), news, {
      listSibling: (repoId, names) => this.#siblingIds(repoId, names),
      // Stored inputs hold no secret: the diff's "no secret" replacement is not the one asked about.
      replacedAnyway: async (stored, given) => (await this.diffFully({ ...stored, secret: "stored" }, given)).replaces.length > 0,
    });
    const checked = { ...paired, failures: paired.failures.map((failure) => ({ ...failure, reason: this.redact(failure.reason) })) };
    const encryptTo = checked.inputs.encryptTo;
    if (typeof encryptTo !== "string" || encryptTo === UNKNOWN_VALUE || checked.failures.some(isEncryptToFailure)) return checked;
    const opened = await openRecipientCached(encryptTo);
    if (!("refusal" in opened)) return checked;
    const failure = encryptToFailure(opened.refusal);
    return { ...checked, failures: [...checked.failures, { ...failure, reason: this.redact(failure.reason) }] };
  }

  /** The keys Flashback lists under `names` in a repository: a key of a RotatingRepoApiKey finding its sibling. */
  async #siblingIds(repoId: string, names: string[]): Promise<NamedKey[]> {
    const listing = await this.listKeys(repoId);
    return (listing?.keys ?? []).filter((key) => names.includes(key.name));
  }

  /** The diff by the values' text alone: synchronous and library-free, for the tools and models that call it. */
  diff(olds: Properties, news: Properties): InputsDiff {
    return diffInputs(olds as Partial<RepoApiKeyOutputs>, news);
  }

  /**
   * `diff`, with recipients compared by who can open what they seal (recipient-identity.ts), not
   * by text: the same OpenPGP key exported again with a new expiry replaces nothing, in stacks of
   * every release, whose states hold `encryptTo` as the text given. What both fronts run.
   */
  async diffFully(olds: Properties, news: Properties): Promise<InputsDiff> {
    const [stored, given] = [olds.encryptTo, news.encryptTo];
    const textChanged = typeof stored === "string" && typeof given === "string" && given !== UNKNOWN_VALUE && stored !== given;
    const facts = textChanged ? { sameRecipient: await sameRecipient(stored, given) } : {};
    return diffInputs(olds as Partial<RepoApiKeyOutputs>, news, facts);
  }

  /** What a create will store, as a preview shows it: the inputs, and a key and secret not known yet (a sealed key's `secret` is known: empty). */
  previewCreate(inputs: Properties): Properties {
    if (inputs.encryptTo === undefined) return { ...inputs, key: UNKNOWN_VALUE, secret: UNKNOWN_VALUE };
    return { ...inputs, key: UNKNOWN_VALUE, secret: "", encryptedSecret: UNKNOWN_VALUE };
  }

  /**
   * What an update stores: the stored key with the new name and access type, and the recipient an
   * imported key was given (any other key is replaced for a new one). Its preview shows the same.
   */
  previewUpdate(olds: Properties, news: Properties): RepoApiKeyOutputs {
    const { name, accessType, encryptTo } = news as Partial<RepoApiKeyInputs>;
    const { encryptTo: _stored, ...kept } = pickOutputs(olds as unknown as RepoApiKeyOutputs);
    return {
      ...kept,
      name: name as string,
      accessType: accessType as RepoApiKeyInputs["accessType"],
      ...(typeof encryptTo === "string" ? { encryptTo } : {}),
    };
  }

  /** Creates the key without orphans (create-without-orphans.ts); a key it can neither hand over nor delete is a `PartialKeyError`. */
  async create(inputs: Properties): Promise<{ id: string; outputs: RepoApiKeyOutputs }> {
    const valid = requireValid(inputs);
    const recipient = await requireRecipient(valid);
    this.#refuseIfCancelled();
    const client = this.#getClient();
    const context = {
      ...(recipient ? { recipient } : {}),
      client,
      scope: this.#stackScope ?? this.#processScope,
      engineListening: this.#engineListening,
      clock: this.#clock,
      random: this.#options.random ?? Math.random,
      signal: this.#cancellation.signal,
      operationTimeoutMs: this.#settings().operationTimeoutMs,
    };
    const created = await this.#writing(valid.repoId, () => createKeyWithoutOrphans(context, valid));
    return { id: created.id, outputs: toCreatedOutputs(valid, created) };
  }

  /** A refresh: the key as Flashback lists it now, or `undefined` when it is gone. */
  async read(id: string, stored: Properties): Promise<{ id: string; outputs: RepoApiKeyOutputs } | undefined> {
    const olds = requireStored(id, stored, "read");
    this.#refuseIfCancelled();
    const client = this.#getClient();
    const deadline = this.#deadline();
    const listing = await this.#listings.get(olds.repoId, () => client.listApiKeys(olds.repoId, { deadline }));
    if (listing === undefined) {
      this.#unseenRepositories.confirmGone(client.settings, this.#sources.config, olds.repoId, id, "refresh");
      return undefined;
    }
    const current = listing.keys.find((key) => key.id === id);
    if (current === undefined) return undefined;
    refuseReservationName(current.name, id, olds.repoId, "refresh");
    return { id, outputs: toRefreshedOutputs(olds, current) };
  }

  /**
   * `pulumi import` of an existing key, by `<repoId>/<keyId>`: its inputs and `key` from Flashback's
   * list. Its secret stays empty: Flashback shows it once, at creation. The warning says so.
   */
  async importKey(importId: string): Promise<{ id: string; outputs: RepoApiKeyOutputs; warning: string }> {
    const { repoId, keyId } = parseImportId(importId);
    this.#refuseIfCancelled();
    const listing = await this.#getClient().listApiKeys(repoId, { deadline: this.#deadline() });
    if (listing === undefined) {
      throw new InputError([{ property: "id", reason: unseenRepositoryReason(repoId) }]);
    }
    const current = listing.keys.find((key) => key.id === keyId);
    if (current === undefined) {
      throw new InputError([{ property: "id", reason: `Flashback has no API key "${keyId}" in repository "${repoId}"` }]);
    }
    refuseReservationName(current.name, keyId, repoId, "import");
    return {
      id: keyId,
      outputs: toImportedOutputs(repoId, current),
      warning:
        `API key "${keyId}" was imported without its secret: Flashback shows a secret only once, when the key is created, so \`secret\` is empty. ` +
        "Whoever holds the secret can keep using the key; to have one in this stack, rotate it: set rotateWhenChanged to a new value and run `pulumi up`. " +
        "With encryptTo, `encryptedSecret` stays empty too until that rotation: there is no secret to encrypt",
    };
  }

  /**
   * A Read given only an id, as `exists()` sends it (ResourceMonitor.ExistsResource): the key as
   * Flashback lists it, without its secret, or `undefined` where Flashback has none (nor the
   * repository, nor a finished create: a reservation's key is deleted once its create's time is over).
   */
  async lookUpKey(id: string, given: Properties): Promise<{ id: string; outputs: RepoApiKeyOutputs } | undefined> {
    const { repoId, keyId } = parseLookupId(id, given.repoId);
    this.#refuseIfCancelled();
    const listing = await this.#getClient().listApiKeys(repoId, { deadline: this.#deadline() });
    const current = listing?.keys.find((key) => key.id === keyId);
    if (current === undefined || isReservationName(current.name)) return undefined;
    return { id: keyId, outputs: toImportedOutputs(repoId, current) };
  }

  /**
   * Every key of a repository as Flashback lists it now, with the time of the listing by Flashback's
   * clock: for tools that only read (the audit, the functions). `undefined` when the repository answers 404.
   */
  async listKeys(repoId: string): Promise<ApiKeyListing | undefined> {
    this.#refuseIfCancelled();
    return this.#getClient().listApiKeys(repoId, { deadline: this.#deadline() });
  }

  /**
   * The function `getRepoApiKeys`: every key of a repository, with no secret. A repository's 404
   * fails naming it: a lookup has no state to keep, so there is nothing to confirm (unseen-repository.ts).
   */
  async getRepoApiKeys(args: Properties): Promise<RepoApiKeyList> {
    const { repoId } = checkListArgs(args);
    return { repoId, keys: await this.#listedKeys(repoId, LIST_FUNCTION) };
  }

  /** The function `getRepoApiKey`: the one key of a repository with the id or the name asked for. */
  async getRepoApiKey(args: Properties): Promise<ListedRepoApiKey> {
    const query = checkLookupArgs(args);
    return selectKey(await this.#listedKeys(query.repoId, LOOKUP_FUNCTION), query);
  }

  /** Not from the refresh's shared listing: a lookup answers what Flashback holds now. */
  async #listedKeys(repoId: string, fn: string): Promise<ListedRepoApiKey[]> {
    const listing = await this.listKeys(repoId);
    if (listing === undefined) throw new InputError([{ property: "repoId", reason: unseenRepositoryReason(repoId) }], `${fn} arguments`);
    return toListedKeys(repoId, listing);
  }

  async update(id: string, stored: Properties, news: Properties): Promise<RepoApiKeyOutputs> {
    const olds = requireStored(id, stored, "update");
    const valid = requireValid(news);
    await this.#writing(olds.repoId, (deadline) =>
      this.#getClient().updateApiKey(olds.repoId, id, { name: valid.name, accessType: valid.accessType }, { deadline }),
    );
    return this.previewUpdate(stored, { ...valid });
  }

  /**
   * Deletes the key. A 404 is asked about again, by a listing: only a repository that lists its
   * keys and not this one proves it gone; a repository that answers 404 may only be hidden from
   * the token (unseen-repository.ts).
   */
  async delete(id: string, stored: Properties): Promise<void> {
    const olds = requireStored(id, stored, "delete");
    await this.#writing(olds.repoId, async (deadline) => {
      const client = this.#getClient();
      const outcome = await client.deleteApiKeyConfirmed(olds.repoId, id, { deadline });
      if (outcome === "repository-unseen") {
        return this.#unseenRepositories.confirmGone(client.settings, this.#sources.config, olds.repoId, id, "delete");
      }
      if (outcome === "still-listed") {
        throw new KeyStillListedError(
          `Flashback answered 404 to deleting API key "${id}" in repository "${olds.repoId}" but still lists it, so it is not counted as deleted; run the command again`,
        );
      }
    });
  }

  /**
   * A write first waits for the repository's sweep, and drops the repository's shared listing
   * before and after, so no read is answered from a listing older than it. Its deadline starts
   * once the sweep is done: the sweep's requests are not the write's.
   */
  async #writing<T>(repoId: string, write: (deadline: Deadline) => Promise<T>): Promise<T> {
    this.#refuseIfCancelled();
    if (this.#stackScope !== undefined) await this.#sweep.beforeWrite(repoId);
    this.#refuseIfCancelled();
    this.#listings.invalidate(repoId);
    try {
      return await write(this.#deadline());
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
    if (this.#client !== undefined && !this.#sourcesChanged) return this.#client;
    const settings = resolveSettings(this.#sources);
    requireCredentials(settings, this.#sources.config);
    this.#sourcesChanged = false;
    if (this.#client !== undefined && sameSettings(this.#client.settings, settings)) return this.#client;
    if (this.#gate === undefined || this.#client?.settings.maxConcurrency !== settings.maxConcurrency) {
      this.#gate = new RequestGate(settings.maxConcurrency, this.#clock);
    }
    this.#client = new FlashbackClient({
      settings,
      secrets: this.#secrets,
      gate: this.#gate,
      clock: this.#clock,
      signal: this.#cancellation.signal,
      ...(this.#options.random ? { random: this.#options.random } : {}),
      ...(this.#options.transport ? { transport: this.#options.transport } : {}),
    });
    return this.#client;
  }
}

/** Lifecycle methods may be called without `check` (tests, tools): bad input must still never reach Flashback. */
function requireValid(inputs: Properties): RepoApiKeyInputs {
  const checked = checkInputs(inputs);
  const { failures } = checked;
  if (failures.length > 0 || !isKnown(checked.inputs)) {
    throw new InputError(failures.length > 0 ? failures : [{ property: "inputs", reason: "inputs are not known yet" }]);
  }
  // As check stores them (a recipient normalized), whoever called without check.
  return pickInputs(checked.inputs);
}

/** The recipient a create seals the secret to, checked before any request: a key must never be made that cannot be sealed. */
async function requireRecipient(inputs: RepoApiKeyInputs): Promise<Recipient | undefined> {
  if (inputs.encryptTo === undefined) return undefined;
  const opened = await openRecipientCached(inputs.encryptTo);
  if ("refusal" in opened) throw new InputError([encryptToFailure(opened.refusal)]);
  return opened.recipient;
}

function isEncryptToFailure(failure: { reason: string }): boolean {
  return failure.reason.startsWith("encryptTo ");
}

/**
 * A key Flashback lists under a reservation's name (renamed so in the console, say) would be deleted
 * by the next deployment's sweep once old enough: no state may be handed one.
 */
function refuseReservationName(name: string, keyId: string, repoId: string, operation: "refresh" | "import"): void {
  if (!isReservationName(name)) return;
  const reason =
    `API key "${keyId}" in repository "${repoId}" is named "${name}" in Flashback, the name of a reservation that an interrupted create left, ` +
    "which deployments delete once its create's time is over; ";
  if (operation === "import") {
    throw new InputError([{ property: "id", reason: `${reason}such a key's secret is lost, so it cannot be imported` }]);
  }
  throw new InputError([
    {
      property: "name",
      reason: `${reason}if it is in use, rename it in Flashback's console to the name this stack declares before the next deployment writes to its repository, then refresh again`,
    },
  ]);
}

/** Settings that would build the same client: a configure that changed none of them keeps the client. */
function sameSettings(a: Settings, b: Settings): boolean {
  return (Object.keys(a) as Array<keyof Settings>).every((name) => {
    const [left, right] = [a[name], b[name]];
    return left instanceof Set && right instanceof Set
      ? left.size === right.size && [...left].every((id) => right.has(id))
      : left === right;
  });
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
