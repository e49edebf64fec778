import type { ApiKeyListing } from "../client/flashback-client";
import { InputError } from "../errors/input-error";
import type { RepoApiKeyOutputs } from "../definitions/repo-api-key";
import { parseImportId, parseLookupId } from "./import-id";
import { checkListArgs, checkLookupArgs, selectKey, toListedKeys, type ListedRepoApiKey, type RepoApiKeyList } from "./key-lookup";
import { LIST_FUNCTION, LOOKUP_FUNCTION } from "../definitions/tokens";
import type { LifecycleContext, Properties } from "./lifecycle-context";
import { isReservationName } from "./reservation";
import { refuseReservationName } from "./reservation-name-refusal";
import { toImportedOutputs } from "./to-outputs";
import { unseenRepositoryReason } from "./unseen-repository";

/**
 * What is answered from Flashback's listing of a repository with no stored state to go by, and
 * writes nothing: `pulumi import`, `exists()`, the functions and the audit's listing. Apart from
 * create, read, update and delete, which hold a state's key; it shares their client (LifecycleContext).
 */
export class ListingLookups {
  readonly #context: LifecycleContext;

  constructor(context: LifecycleContext) {
    this.#context = context;
  }

  /**
   * Every key of a repository as Flashback lists it now, with the time of the listing by Flashback's
   * clock: for tools that only read (the audit, the functions). `undefined` when the repository answers 404.
   */
  async listKeys(repoId: string): Promise<ApiKeyListing | undefined> {
    this.#context.refuseIfCancelled();
    return this.#context.client().listApiKeys(repoId, { deadline: this.#context.deadline() });
  }

  /**
   * `pulumi import` of an existing key, by `<repoId>/<keyId>`: its inputs and `key` from Flashback's
   * list. Its secret stays empty: Flashback shows it once, at creation. The warning says so.
   */
  async importKey(importId: string): Promise<{ id: string; outputs: RepoApiKeyOutputs; warning: string }> {
    const { repoId, keyId } = parseImportId(importId);
    const listing = await this.listKeys(repoId);
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
    const listing = await this.listKeys(repoId);
    const current = listing?.keys.find((key) => key.id === keyId);
    if (current === undefined || isReservationName(current.name)) return undefined;
    return { id: keyId, outputs: toImportedOutputs(repoId, current) };
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
}
