import type { Deadline } from "../client/clock";
import type { ApiKeyListing } from "../client/flashback-client";
import { InputError } from "../errors/input-error";
import { KeyStillListedError } from "../errors/key-still-listed-error";
import { recipientRequiredBy } from "../settings/resolve-settings";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../definitions/repo-api-key";
import { PairChecks, type NamedKey } from "./pair-check";
import { checkInputs, encryptToFailure, isKnown, missingRecipientFailure, UNKNOWN_VALUE, type CheckedInputs } from "./check-inputs";
import { createKeyWithoutOrphans } from "./create-without-orphans";
import { diffInputs, type InputsDiff } from "./diff-inputs";
import { engineProbeFromArgv, type EngineProbe } from "../engine/engine-liveness";
import { LifecycleContext, type ConfigSource, type LifecycleOptions, type Properties } from "./lifecycle-context";
import { ListCache } from "./list-cache";
import { ListingLookups } from "./listing-lookups";
import { isDeploymentScope, processScope } from "./reservation";
import { refuseReservationName } from "./reservation-name-refusal";
import { ReservationSweep } from "./reservation-sweep";
import { UnseenRepositories } from "./unseen-repository";
import type { ListedRepoApiKey, RepoApiKeyList } from "./key-lookup";
import type { Recipient } from "../encryption/open-recipient";
import { openRecipientCached, sameRecipient } from "../encryption/recipient-cache";
import { hasPrivateKeyMarker } from "../encryption/recipient-shape";
import { pickInputs, pickOutputs, toCreatedOutputs, toRefreshedOutputs } from "./to-outputs";

export type { ConfigSource, LifecycleOptions, Properties } from "./lifecycle-context";

/**
 * What the engine asks of a `RepoApiKey`, in the lifecycle's own terms: validate, diff, preview,
 * create, read, import, update, delete. It knows neither front: the dynamic provider
 * (dynamic/repo-api-key-provider.ts) and the plugin (plugin/repo-api-key-handlers.ts) each
 * translate their engine's messages to these calls. One instance per provider process, so the gate,
 * the token and the record of created keys are shared by every resource in the deployment.
 */
export class RepoApiKeyLifecycle {
  readonly #context: LifecycleContext;
  readonly #lookups: ListingLookups;
  readonly #pairChecks = new PairChecks();
  readonly #listings: ListCache;
  /** The stack's reservation scope, once a stub, a URN or the options told it: then the lifecycle serves a deployment, and sweeps. */
  #stackScope: string | undefined;
  readonly #processScope = processScope();
  readonly #sweep: ReservationSweep;
  readonly #engineListening: EngineProbe;
  readonly #unseenRepositories: UnseenRepositories;

  constructor(options: LifecycleOptions = {}) {
    const context = new LifecycleContext(options);
    this.#context = context;
    this.#lookups = new ListingLookups(context);
    this.#listings = new ListCache(() => context.clock.monotonic());
    this.#stackScope = isDeploymentScope(options.deploymentScope) ? options.deploymentScope : undefined;
    const warn = (message: string): void => context.warn(message);
    this.#sweep = new ReservationSweep(() => context.client(), warn);
    this.#unseenRepositories = new UnseenRepositories(warn);
    this.#engineListening = options.engineListening ?? engineProbeFromArgv();
  }

  /** Tells the lifecycle which stack it serves: its reservations are named for it, and it sweeps. A malformed scope is ignored. */
  useDeploymentScope(scope: unknown): void {
    if (isDeploymentScope(scope)) this.#stackScope = scope;
  }

  /** Where warnings go from now on: the front that serves this lifecycle passes its engine's log. */
  sendWarningsTo(warn: (message: string) => void): void {
    this.#context.sendWarningsTo(warn);
  }

  /**
   * Values that reached the provider as secrets (a secret `name`, say): every message masks them
   * as it masks tokens and key secrets.
   */
  treatAsSecret(...values: unknown[]): void {
    for (const value of values) if (typeof value === "string") this.#context.treatAsSecret(value);
  }

  /** `text` with every secret this lifecycle has seen masked. */
  redact(text: string): string {
    return this.#context.redact(text);
  }

  /**
   * The engine's `Cancel` (Ctrl-C): no new operation starts, no request is retried, and every
   * wait (backoff, `Retry-After`, the rate-limit pause) ends at once. Requests already sent get
   * their answers, and what an operation made is still cleaned up or handed over, so the
   * reservation rules hold.
   */
  cancel(): void {
    this.#context.cancel();
  }

  /**
   * Receives the stack config; settings are read from it (and the environment) at the first call
   * that needs them. Every dynamic resource configures the process's one lifecycle again, so the
   * client (its gate, its renewed token) is kept as long as the settings stay the same.
   */
  configure(config?: ConfigSource): void {
    this.#context.configure(config);
  }

  /**
   * The inputs to store and every refused field, with no network call; failure messages are
   * redacted. With `requireEncryptTo`, a key without a recipient is refused: the engine's message names the resource.
   */
  check(news: Properties): CheckedInputs {
    const { inputs, failures } = checkInputs(news);
    const requiredBy = recipientRequiredBy(this.#context.sources);
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
    this.#context.refuseIfCancelled();
    const client = this.#context.client();
    const context = {
      ...(recipient ? { recipient } : {}),
      client,
      scope: this.#stackScope ?? this.#processScope,
      engineListening: this.#engineListening,
      clock: this.#context.clock,
      random: this.#context.options.random ?? Math.random,
      signal: this.#context.signal,
      operationTimeoutMs: this.#context.settings().operationTimeoutMs,
    };
    const created = await this.#writing(valid.repoId, () => createKeyWithoutOrphans(context, valid));
    return { id: created.id, outputs: toCreatedOutputs(valid, created) };
  }

  /** A refresh: the key as Flashback lists it now, or `undefined` when it is gone. */
  async read(id: string, stored: Properties): Promise<{ id: string; outputs: RepoApiKeyOutputs } | undefined> {
    const olds = requireStored(id, stored, "read");
    this.#context.refuseIfCancelled();
    const client = this.#context.client();
    const deadline = this.#context.deadline();
    const listing = await this.#listings.get(olds.repoId, () => client.listApiKeys(olds.repoId, { deadline }));
    if (listing === undefined) {
      this.#unseenRepositories.confirmGone(client.settings, this.#context.sources.config, olds.repoId, id, "refresh");
      return undefined;
    }
    const current = listing.keys.find((key) => key.id === id);
    if (current === undefined) return undefined;
    refuseReservationName(current.name, id, olds.repoId, "refresh");
    return { id, outputs: toRefreshedOutputs(olds, current) };
  }

  /** `pulumi import` of an existing key, by `<repoId>/<keyId>` (listing-lookups.ts). */
  importKey(importId: string): Promise<{ id: string; outputs: RepoApiKeyOutputs; warning: string }> {
    return this.#lookups.importKey(importId);
  }

  /** A Read given only an id, as `exists()` sends it (listing-lookups.ts). */
  lookUpKey(id: string, given: Properties): Promise<{ id: string; outputs: RepoApiKeyOutputs } | undefined> {
    return this.#lookups.lookUpKey(id, given);
  }

  /** Every key of a repository as Flashback lists it now, for tools that only read; `undefined` when the repository answers 404. */
  listKeys(repoId: string): Promise<ApiKeyListing | undefined> {
    return this.#lookups.listKeys(repoId);
  }

  /** The function `getRepoApiKeys` (listing-lookups.ts). */
  getRepoApiKeys(args: Properties): Promise<RepoApiKeyList> {
    return this.#lookups.getRepoApiKeys(args);
  }

  /** The function `getRepoApiKey` (listing-lookups.ts). */
  getRepoApiKey(args: Properties): Promise<ListedRepoApiKey> {
    return this.#lookups.getRepoApiKey(args);
  }

  async update(id: string, stored: Properties, news: Properties): Promise<RepoApiKeyOutputs> {
    const olds = requireStored(id, stored, "update");
    const valid = requireValid(news);
    await this.#writing(olds.repoId, (deadline) =>
      this.#context.client().updateApiKey(olds.repoId, id, { name: valid.name, accessType: valid.accessType }, { deadline }),
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
      const client = this.#context.client();
      const outcome = await client.deleteApiKeyConfirmed(olds.repoId, id, { deadline });
      if (outcome === "repository-unseen") {
        return this.#unseenRepositories.confirmGone(client.settings, this.#context.sources.config, olds.repoId, id, "delete");
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
    this.#context.refuseIfCancelled();
    if (this.#stackScope !== undefined) await this.#sweep.beforeWrite(repoId);
    this.#context.refuseIfCancelled();
    this.#listings.invalidate(repoId);
    try {
      return await write(this.#context.deadline());
    } finally {
      this.#listings.invalidate(repoId);
    }
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

/** A stored key's properties: the engine sends them with every call but an import, which goes through `importKey`. */
function requireStored(id: string, stored: Properties, operation: "read" | "update" | "delete"): RepoApiKeyOutputs {
  if (typeof stored.repoId !== "string" || stored.repoId === "") {
    throw new InputError([
      { property: "repoId", reason: `repoId is required to ${operation} key "${id}", and its stored properties have none` },
    ]);
  }
  return stored as unknown as RepoApiKeyOutputs;
}
