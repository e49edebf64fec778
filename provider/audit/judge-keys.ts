import type { ApiKeyListing } from "../client/flashback-client";
import { parseZonedTimestamp } from "../client/flashback-time";
import { judgeReservation } from "../lifecycle/reservation";
import type { ManagedKey } from "./stack-export";

/**
 * What the audit says of one key Flashback lists:
 * - `managed`: a given state holds it (by several, if more than one does: a problem of its own);
 * - `unmanaged`: no given state does;
 * - `reservation`: a leftover of an interrupted create (reservation.ts), which no state may hold:
 *   `abandoned` (the next deployment's sweep deletes it), `in-flight` (its create may still hand it
 *   over) or `no-proof` (Flashback's answer gave no zoned time to judge by).
 */
export type KeyStatus =
  | { kind: "managed"; by: ManagedKey[] }
  | { kind: "unmanaged" }
  | { kind: "reservation"; judgement: "abandoned" | "in-flight" | "no-proof" };

/** One key, with only what Flashback's console shows of it: never its `key` or its secret envelope. */
export interface AuditedKey {
  id: string;
  name: string;
  accessType: string;
  createdAt: string | undefined;
  /** Milliseconds since `createdAt` by Flashback's clock; undefined where `createdAt` names no zone (or is missing). */
  ageMs: number | undefined;
  status: KeyStatus;
}

export interface RepositoryAudit {
  repoId: string;
  /** When Flashback listed the keys, by its `Date` header; undefined without one. */
  listedAt: number | undefined;
  keys: AuditedKey[];
  /** Keys a state holds for this repository that Flashback no longer lists (deleted outside Pulumi). */
  missing: ManagedKey[];
}

/** Unmanaged keys first (what the audit is for), then reservations, then managed ones; by name, then id. */
const STATUS_ORDER: Record<KeyStatus["kind"], number> = { unmanaged: 0, reservation: 1, managed: 2 };

/** Holds a listing against the keys of the given states. `now` stands in for Flashback's clock when its answer had no `Date`. */
export function auditRepository(repoId: string, listing: ApiKeyListing, managed: readonly ManagedKey[], now: number): RepositoryAudit {
  const ofRepository = managed.filter((key) => key.repoId === undefined || key.repoId === repoId);
  const listedIds = new Set(listing.keys.map((key) => key.id));
  const byId = new Map<string, ManagedKey[]>();
  for (const key of ofRepository) byId.set(key.id, [...(byId.get(key.id) ?? []), key]);
  const reference = listing.listedAt ?? now;
  const keys = listing.keys.map((key): AuditedKey => {
    const createdAt = parseZonedTimestamp(key.createdAt);
    return {
      id: key.id,
      name: key.name,
      accessType: key.accessType,
      createdAt: typeof key.createdAt === "string" ? key.createdAt : undefined,
      ageMs: createdAt === undefined ? undefined : Math.max(0, reference - createdAt),
      status: statusOf(key, listing.listedAt, byId.get(key.id) ?? []),
    };
  });
  keys.sort((a, b) => STATUS_ORDER[a.status.kind] - STATUS_ORDER[b.status.kind] || compare(a.name, b.name) || compare(a.id, b.id));
  return {
    repoId,
    listedAt: listing.listedAt,
    keys,
    missing: ofRepository.filter((key) => key.repoId === repoId && !listedIds.has(key.id)),
  };
}

/** Keys of the audit that no given state manages, leftover reservations included: what makes the exit code 1. */
export function unmanagedKeys(audit: RepositoryAudit): AuditedKey[] {
  return audit.keys.filter((key) => key.status.kind !== "managed");
}

/** `by`: the given states' keys of this id. */
function statusOf(key: ApiKeyListing["keys"][number], listedAt: number | undefined, by: ManagedKey[]): KeyStatus {
  if (by.length > 0) return { kind: "managed", by };
  const judgement = judgeReservation(key, listedAt);
  return judgement === "not-a-reservation" ? { kind: "unmanaged" } : { kind: "reservation", judgement };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
