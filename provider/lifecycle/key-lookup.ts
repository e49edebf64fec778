import { LIST_FUNCTION, LOOKUP_FUNCTION } from "../definitions/tokens";
import type { ApiKeyListing } from "../client/flashback-client";
import { InputError, type InputFailure } from "../errors/input-error";
import { checkRepoId, checkText } from "./check-inputs";
import { judgeReservation } from "./reservation";

/** What a reservation's name proves of a listed key (reservation.ts: `judgeReservation`). */
export type ReservationState = ReturnType<typeof judgeReservation>;

/**
 * One key of a repository as the functions `getRepoApiKeys` and `getRepoApiKey` answer it: what
 * Flashback lists, without its `secret` (an encrypted envelope, of no use to anyone but Flashback).
 */
export interface ListedRepoApiKey {
  repoId: string;
  id: string;
  name: string;
  /** As Flashback has it: READ, WRITE or ADMIN, or a level this package does not know yet. */
  accessType: string;
  /** The key id a storage client sends, not a secret; empty for Azure Blob repositories. */
  key: string;
  /** When Flashback made the key, as it writes it; absent when it does not say. */
  createdAt?: string;
  /** Whether its name is a reservation's: a key an interrupted deployment left, whose secret nobody holds. */
  isReservation: boolean;
  /** For a reservation, whether its create could still hand it over (`in-flight`) or not (`abandoned`), by Flashback's clock. */
  reservationState: ReservationState;
}

/** What `getRepoApiKeys` answers. */
export interface RepoApiKeyList {
  repoId: string;
  /** Every key of the repository, whoever made it; never a secret. */
  keys: ListedRepoApiKey[];
}

/** Which key `getRepoApiKey` looks for: by its id or by its name, never both. */
export interface KeyQuery {
  repoId: string;
  id?: string;
  name?: string;
}

/** The arguments of `getRepoApiKeys`, or an `InputError` naming each bad one. */
export function checkListArgs(args: Readonly<Record<string, unknown>>): { repoId: string } {
  const failures = collect((fail) => {
    refuseUnknownFields(args, ["repoId"], fail);
    checkRepoId(args.repoId, fail);
  });
  if (failures.length > 0) throw new InputError(failures, `${LIST_FUNCTION} arguments`);
  return { repoId: args.repoId as string };
}

/** The arguments of `getRepoApiKey`: `repoId`, and exactly one of `id` and `name`. */
export function checkLookupArgs(args: Readonly<Record<string, unknown>>): KeyQuery {
  const given = (field: "id" | "name"): boolean => args[field] !== undefined && args[field] !== null;
  const failures = collect((fail) => {
    refuseUnknownFields(args, ["repoId", "id", "name"], fail);
    checkRepoId(args.repoId, fail);
    if (given("id") && given("name")) fail("id", "and name are both given: give one of them, the key's id or its name");
    else if (!given("id") && !given("name")) fail("id", "or name is required: give one of them, the key's id or its name");
    for (const field of ["id", "name"] as const) if (given(field)) checkText(field, args[field], fail);
  });
  if (failures.length > 0) throw new InputError(failures, `${LOOKUP_FUNCTION} arguments`);
  const query: KeyQuery = { repoId: args.repoId as string };
  if (given("id")) query.id = args.id as string;
  else query.name = args.name as string;
  return query;
}

/** A listing as the functions answer it: every key, each judged by the listing's own `Date`. */
export function toListedKeys(repoId: string, listing: ApiKeyListing): ListedRepoApiKey[] {
  return listing.keys.map((key) => {
    const reservationState = judgeReservation(key, listing.listedAt);
    const listed: ListedRepoApiKey = {
      repoId,
      id: key.id,
      name: key.name,
      accessType: key.accessType,
      key: typeof key.key === "string" ? key.key : "",
      isReservation: reservationState !== "not-a-reservation",
      reservationState,
    };
    if (typeof key.createdAt === "string") listed.createdAt = key.createdAt;
    return listed;
  });
}

/** The one key the query names, or an `InputError` naming the field when none or several match. */
export function selectKey(keys: readonly ListedRepoApiKey[], query: KeyQuery): ListedRepoApiKey {
  const field = query.id !== undefined ? "id" : "name";
  const wanted = query[field] as string;
  const matches = keys.filter((key) => key[field] === wanted);
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) return only;
  const reason =
    matches.length === 0
      ? `${field} "${wanted}" names no API key in repository "${query.repoId}"`
      : `${field} "${wanted}" names ${matches.length} API keys in repository "${query.repoId}" (ids ${matches.map((key) => key.id).join(", ")}): look the key up by its id`;
  throw new InputError([{ property: field, reason }], `${LOOKUP_FUNCTION} arguments`);
}

function collect(check: (fail: (property: string, reason: string) => void) => void): InputFailure[] {
  const failures: InputFailure[] = [];
  check((property, reason) => failures.push({ property, reason: `${property} ${reason}` }));
  return failures;
}

function refuseUnknownFields(
  args: Readonly<Record<string, unknown>>,
  known: readonly string[],
  fail: (property: string, reason: string) => void,
): void {
  for (const field of Object.keys(args)) {
    if (!known.includes(field) && args[field] !== undefined) fail(field, `is not an argument: the arguments are ${known.join(", ")}`);
  }
}
