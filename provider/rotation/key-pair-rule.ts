import { createHash } from "node:crypto";

/*
 * The promise of a RotatingRepoApiKey, kept by its two keys themselves: a deployment never replaces
 * the newer key (the one consumers hold as current) for a rotation, only the older one, and only
 * once the newer one was made in an earlier deployment; it replaces at most one key per deployment
 * unless a revocation asks for both. Each key decides at its own Check from what it stored there
 * last time, so a failed, killed or skipped deployment (which stores nothing for the key it did not
 * finish) can never make the next one replace both.
 *
 * Slot b is registered after slot a and is handed a's id and generation: it knows exactly. Slot a,
 * first, learns whether b was replaced since a was made from Flashback's listing of b's name.
 */

export type Slot = "a" | "b";

/** Which keys a revocation replaces: the newer (`current`), the older (`previous`) or both. */
export type RevokedKeys = "current" | "previous" | "both";
export const REVOKED_KEYS: readonly RevokedKeys[] = ["current", "previous", "both"];

/** A key of a pair as its sibling sees it in this deployment (slot b is handed slot a's). */
export interface SiblingKey {
  id: string;
  generation: number;
  /** The deployment that made this key, and the generation its slot held before: absent from states earlier releases wrote. */
  made?: MadeIn;
}

/** Where a key was made: the deployment's id (one per program run) and its slot's generation before, if any. */
export interface MadeIn {
  deployment: string;
  generationBefore?: number;
}

/** What the component asks of one key of its pair, at every deployment. */
export interface PairRequest {
  slot: Slot;
  /** The rotation asked for: the counter, or the schedule's number. Any rise asks for one rotation. */
  desired: number;
  /** This deployment's id, the same for both keys: a key made now records it, so that b knows a moved in this deployment. */
  deployment: string;
  /** The sibling's name in Flashback, by which slot a finds it in a listing. */
  siblingName: string;
  /** Slot b only: slot a as registered in this deployment; absent while unknown (a preview of a new a). */
  sibling?: SiblingKey;
  revokeKeys?: RevokedKeys;
  /** Each new value revokes once the keys `revokeKeys` names. */
  revokeWhenChanged?: string;
}

/** What a key of a pair stores beside its inputs, for its next Check. */
export interface PairMemory {
  /** The rotation asked for at this key's last Check, once acted on. */
  seenDesired: number;
  /** The last revocation this key acted on. */
  seenRevoke?: string;
  /**
   * Slot a: the ids Flashback listed under b's name when a became the newer key, all older than a;
   * absent while b is the newer key; "next" when a is newer and b's ids are to be read at a's next Check.
   */
  olderSiblingIds?: string[] | "next";
  /** Slot a: b's ids when a passed on a revocation of b; a rotates only once b shows another id. */
  siblingRevocationPending?: string[];
  /** Slot b: slot a as b saw it at b's last Check. */
  siblingSeen?: { id: string; generation: number };
  /** Set when the key is made (or made again) in a deployment: what slot b reads of slot a. */
  made?: MadeIn;
  /** The revocation that made this key, as a short digest: part of its trigger, so that the diff replaces a revoked key that keeps its generation. */
  revokedBy?: string;
}

/** What a key knows at its Check. */
export interface PairFacts {
  request: PairRequest;
  /** The key's stored generation; undefined for a key not made yet. */
  generation: number | undefined;
  /** Undefined for a key not made yet, or one whose state holds no memory (as earlier releases wrote it). */
  memory: PairMemory | undefined;
  /** Replaced whatever this rule says (a new repository, a new recipient): it starts over as a new key. */
  replacedAnyway: boolean;
  /** Slot a: the ids Flashback lists now under b's name (current or former); undefined when not read. */
  listedSiblingIds?: string[];
  /**
   * Slot a of a pair whose states hold no memory (earlier releases wrote none): which key Flashback made last,
   * when their creations lie far enough apart to tell (a rotation is a later deployment).
   */
  madeLast?: Slot | "together";
}

export type PairAction = "none" | "rotate" | "revoke";

export interface PairDecision {
  generation: number;
  memory: PairMemory;
  action: PairAction;
}

/** The memory a key made in this deployment (created, rotated, revoked or replaced anyway) stores. */
export function madeNow(request: PairRequest, memory: PairMemory, generationBefore: number | undefined): PairMemory {
  return { ...memory, made: { deployment: request.deployment, ...(generationBefore === undefined ? {} : { generationBefore }) } };
}

/**
 * How far above the number asked a slot a made anew beside a living b starts (its key was deleted
 * outside the stack): above any generation b can hold, so that a is the newer key by both counts.
 */
export const REMADE_GAP = 1_000_000;

/** Whether slot a must read b's ids from Flashback before `decidePairKey` can decide (at a's birth, to tell a remake). */
export function needsSiblingListing(facts: Omit<PairFacts, "listedSiblingIds">): boolean {
  if (facts.request.slot !== "a") return false;
  if (facts.generation === undefined || facts.memory === undefined) return true;
  const memory = facts.memory;
  return memory.olderSiblingIds === "next" || isRevocationAsked(facts.request, memory) || facts.request.desired > memory.seenDesired;
}

/** The key's generation and memory after this Check, and what it does in this deployment. */
export function decidePairKey(facts: PairFacts): PairDecision {
  const decision = decideKept(facts);
  const made = facts.generation === undefined || decision.action !== "none" || facts.replacedAnyway;
  return made ? { ...decision, memory: madeNow(facts.request, decision.memory, facts.generation) } : decision;
}

function decideKept(facts: PairFacts): PairDecision {
  const { request } = facts;
  if (facts.generation === undefined) return newKey(request, facts.listedSiblingIds ?? []);
  const generation = facts.generation;
  const memory = facts.memory ?? memoryOfOlderRelease(request, generation, facts.madeLast, facts.listedSiblingIds);
  const view = request.slot === "a" ? viewOfSlotA(memory, facts.listedSiblingIds, generation) : viewOfSlotB(request, memory, generation);
  const newest = view.older ? view.siblingGeneration : generation;
  const remember = (changes: MemoryChanges): PairMemory => rememberView(request, memory, view, changes, facts.listedSiblingIds);

  const revocationAsked = isRevocationAsked(request, memory);
  if (revocationAsked) {
    const revokedHere =
      request.revokeKeys === "both" || (request.revokeKeys ?? "current") === (view.publishedOlder ? "previous" : "current");
    if (revokedHere) {
      // The older key comes back as the newest; the newer one keeps its place, unless a moved in
      // this deployment too: then b comes after it, so that slot a's reading of b stays true.
      const aMovedToo = request.slot === "b" && request.sibling?.made?.deployment === request.deployment;
      const next = view.older || aMovedToo ? Math.max(newest, view.siblingGeneration) + 1 : generation;
      const memory = remember({ seenRevoke: request.revokeWhenChanged, seenDesired: request.desired, becameNewer: true });
      return { generation: next, memory: { ...memory, revokedBy: revocationDigest(request.revokeWhenChanged ?? "") }, action: "revoke" };
    }
  }
  const revoke = { seenRevoke: request.revokeWhenChanged };
  // The sibling is revoked in this deployment: a rotation of this key waits until it is done.
  if (revocationAsked)
    return { generation, memory: remember({ ...revoke, ...awaitingSibling(request, facts.listedSiblingIds) }), action: "none" };
  if (isAwaitingSiblingRevocation(request, memory, facts.listedSiblingIds)) return { generation, memory, action: "none" };
  if (request.desired > memory.seenDesired && view.older) {
    if (view.siblingSettled) {
      const { revokedBy: _replaced, ...memory } = remember({ ...revoke, seenDesired: request.desired, becameNewer: true });
      return { generation: newest + 1, memory, action: "rotate" };
    }
    // Slot a changed in this deployment: a rotation (it took this one) or a revocation (this one waits a deployment).
    if (!view.siblingRotated) return { generation, memory: remember(revoke), action: "none" };
  }
  const keepsOrder = facts.replacedAnyway && !view.older ? { replacedWhileNewer: true } : {};
  return { generation, memory: remember({ ...revoke, seenDesired: request.desired, ...keepsOrder }), action: "none" };
}

/**
 * A new pair: b is the newer key, so slot a, made first, knows b is newer without reading anything.
 * A key made anew beside a living sibling is the newer one.
 */
function newKey(request: PairRequest, listedSiblingIds: string[]): PairDecision {
  const memory: PairMemory = { seenDesired: request.desired };
  if (request.slot === "a" && listedSiblingIds.length > 0) {
    memory.olderSiblingIds = listedSiblingIds;
    return withRevoke(request, { generation: request.desired + REMADE_GAP, memory, action: "none" });
  }
  const sibling = request.sibling;
  const afterSibling = sibling === undefined ? request.desired : sibling.generation + 1;
  const generation = request.slot === "a" ? request.desired - 1 : Math.max(request.desired, afterSibling);
  if (sibling !== undefined) memory.siblingSeen = { id: sibling.id, generation: sibling.generation };
  return withRevoke(request, { generation, memory, action: "none" });
}

/** A new key has nothing to revoke: the revocation asked at its making is already seen. */
function withRevoke(request: PairRequest, decision: PairDecision): PairDecision {
  if (request.revokeWhenChanged !== undefined) decision.memory.seenRevoke = request.revokeWhenChanged;
  return decision;
}

/** Slot a passing a revocation on to b remembers b's ids, to hold its own rotation until b has a new one. */
function awaitingSibling(request: PairRequest, listed: string[] | undefined): Partial<PairMemory> {
  return request.slot === "a" && listed !== undefined ? { siblingRevocationPending: listed } : {};
}

function isAwaitingSiblingRevocation(request: PairRequest, memory: PairMemory, listed: string[] | undefined): boolean {
  const pending = memory.siblingRevocationPending;
  if (pending === undefined || request.revokeWhenChanged !== memory.seenRevoke) return false;
  return listed === undefined || listed.every((id) => pending.includes(id));
}

/**
 * A key whose state holds no memory, as earlier releases wrote it: its slots hold the parity generations of the
 * number asked last, a the even one and b the odd one, the newer holding that number. Slot b knows
 * both generations. Slot a tells by which key Flashback made last; for keys made together it
 * takes itself as the newer, which can hold a rotation back but never deletes the current key.
 * Either way the number last asked is the newer generation, so a rise in this deployment still counts.
 */
function memoryOfOlderRelease(
  request: PairRequest,
  generation: number,
  madeLast: Slot | "together" | undefined,
  listed: string[] | undefined,
): PairMemory {
  if (request.slot === "b") {
    const sibling = request.sibling;
    if (sibling === undefined) return { seenDesired: generation };
    return { seenDesired: Math.max(generation, sibling.generation), siblingSeen: { id: sibling.id, generation: sibling.generation } };
  }
  const newer = madeLast !== "b";
  if (!newer) return { seenDesired: generation + 1 };
  return { seenDesired: generation, olderSiblingIds: listed ?? "next" };
}

interface SiblingView {
  /** This key is the older of the two when the deployment began. */
  older: boolean;
  /**
   * This key is `previous` in the outputs consumers last read: what a revocation names. It differs
   * from `older` only after a deployment that stopped once slot a had moved, unseen by b.
   */
  publishedOlder: boolean;
  siblingGeneration: number;
  /** The sibling was made before this deployment. */
  siblingSettled: boolean;
  /** The sibling took a rotation in this deployment (or in one this key did not see). */
  siblingRotated: boolean;
}

/** Slot a: b is newer when Flashback lists an id under b's name that a did not know as older. */
function viewOfSlotA(memory: PairMemory, listed: string[] | undefined, generation: number): SiblingView {
  const known = memory.olderSiblingIds;
  const siblingNewer = known === undefined || (known !== "next" && listed !== undefined && listed.some((id) => !known.includes(id)));
  // b is only ever replaced after a's Check: whatever a sees of it was made in an earlier deployment.
  // The two generations follow each other, so b's is one off a's own.
  return {
    older: siblingNewer,
    publishedOlder: siblingNewer,
    siblingGeneration: generation + (siblingNewer ? 1 : -1),
    siblingSettled: true,
    siblingRotated: false,
  };
}

/**
 * Slot b: a's generation is handed over. b judges its role as it was when the deployment began, so
 * a key a made in this deployment counts with the generation its slot held before. a is settled
 * when b saw the same key at its last Check (a key a made by a deployment that stopped before b was
 * never published).
 */
function viewOfSlotB(request: PairRequest, memory: PairMemory, generation: number): SiblingView {
  const sibling = request.sibling;
  // Unknown in a preview only, where a is being made: b then waits, as it will once a is made.
  if (sibling === undefined)
    return { older: false, publishedOlder: false, siblingGeneration: generation - 1, siblingSettled: false, siblingRotated: true };
  const seen = memory.siblingSeen;
  const madeNow = sibling.made?.deployment === request.deployment;
  const atStart = madeNow ? sibling.made?.generationBefore : sibling.generation;
  const older = atStart !== undefined && atStart > generation;
  const settled = !madeNow && seen !== undefined && seen.id === sibling.id;
  return {
    older,
    // b saw a at its last Check, in the last deployment that got that far: that a is the one consumers read.
    publishedOlder: seen === undefined ? older : seen.generation > generation,
    siblingGeneration: sibling.generation,
    siblingSettled: settled,
    siblingRotated: seen === undefined || seen.generation !== sibling.generation,
  };
}

/** What a Check changes in the memory; `becameNewer` and `replacedWhileNewer` say what slot a learns of b's ids. */
type MemoryChanges = Partial<PairMemory> & { becameNewer?: boolean; replacedWhileNewer?: boolean };

function rememberView(
  request: PairRequest,
  memory: PairMemory,
  view: SiblingView,
  changes: MemoryChanges,
  listed: string[] | undefined,
): PairMemory {
  const { becameNewer, replacedWhileNewer, ...fields } = changes;
  const next: PairMemory = { ...memory, ...definedOnly(fields) };
  if (request.slot === "b") {
    if (request.sibling !== undefined) next.siblingSeen = { id: request.sibling.id, generation: request.sibling.generation };
    return next;
  }
  const pending = next.siblingRevocationPending;
  const revokedSince = listed !== undefined && pending !== undefined && listed.some((id) => !pending.includes(id));
  if (pending !== undefined && (revokedSince || request.revokeWhenChanged !== next.seenRevoke)) delete next.siblingRevocationPending;
  if (replacedWhileNewer === true) next.olderSiblingIds = "next";
  else if (becameNewer === true || (!view.older && memory.olderSiblingIds === "next" && listed !== undefined))
    next.olderSiblingIds = listed ?? "next";
  return next;
}

function isRevocationAsked(request: PairRequest, memory: PairMemory): boolean {
  return request.revokeWhenChanged !== undefined && request.revokeWhenChanged !== memory.seenRevoke;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** What a key of a pair stores as its rotation trigger: its generation, and the revocation that made it; and back. */
export function generationTrigger(generation: number, revokedBy?: string): string {
  return revokedBy === undefined ? `generation ${generation}` : `generation ${generation} revoked ${revokedBy}`;
}

export function generationOfTrigger(trigger: unknown): number | undefined {
  const match = typeof trigger === "string" ? /^generation (-?\d+)( revoked [0-9a-f]+)?$/.exec(trigger) : null;
  return match === null ? undefined : Number(match[1]);
}

/** The trigger of a decided key: what the diff compares. */
export function triggerOf(decision: PairDecision): string {
  return generationTrigger(decision.generation, decision.memory.revokedBy);
}

/** A revocation's text, short and fixed in length, for the trigger: the text itself stays the user's. */
function revocationDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}
