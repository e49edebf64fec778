import { createHash, randomBytes } from "node:crypto";
import { parseZonedTimestamp } from "../client/flashback-time";
import { RESERVATION_PREFIX } from "../definitions/rules";

/*
 * A key is created under a reservation name and renamed to its declared name only once the engine
 * can receive it (create-without-orphans.ts). A reservation that outlives its create is therefore a
 * key whose secret nobody holds, and its name says so to whoever reads Flashback's console:
 * `pulumi-pending-<stack>-<nonce>-<lifetime>`.
 *
 * The lifetime, in whole seconds, is how long its create may still act on it: the create's
 * operation deadline (`operationTimeout`). Past that, and by Flashback's own clock, the reservation
 * is provably abandoned (`isAbandoned`), whoever made it: this is what makes the sweep safe when
 * deployments of any stacks, organizations or backends, and several provider processes of one
 * program, write to one repository at once.
 */

/**
 * Added to a reservation's lifetime before it counts as abandoned. It covers the one-second
 * resolution of the HTTP `Date` header and the clocks of different Flashback servers (one stamps
 * `createdAt`, another may answer the list), which a fleet keeps within a few seconds.
 */
export const ABANDONED_MARGIN_MS = 10_000;

const SCOPE_PATTERN = /^[0-9a-f]{12}$/;
const NAME_PATTERN = /^pulumi-pending-(?<scope>[0-9a-f]{12})-[0-9a-f]{12}-(?<lifetime>\d{1,7})$/;

/** Which stack a reservation belongs to: a label for people, never a reason to delete. */
export interface DeploymentIdentity {
  organization: string;
  project: string;
  stack: string;
}

/** 12 hex digits naming one stack; a hash, so that names of projects and stacks stay out of Flashback. */
export function deploymentScope(identity: DeploymentIdentity): string {
  return createHash("sha256").update(`${identity.organization}/${identity.project}/${identity.stack}`).digest("hex").slice(0, 12);
}

/**
 * The scope of the stack a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`) belongs to, for a
 * provider plugin, which is told URNs but not the organization; undefined for anything else.
 */
export function scopeOfUrn(urn: string): string | undefined {
  const [head, project] = urn.split("::");
  const stack = head?.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : "";
  if (stack === "" || project === undefined || project === "") return undefined;
  return deploymentScope({ organization: "", project, stack });
}

/** A scope no other process has: for providers built without a stack (tests, tools). */
export function processScope(): string {
  return randomBytes(6).toString("hex");
}

export function isDeploymentScope(value: unknown): value is string {
  return typeof value === "string" && SCOPE_PATTERN.test(value);
}

/** A name no other create attempt uses, so a lost answer's key is found by its name alone. */
export function newReservationName(scope: string, lifetimeMs: number): string {
  return `${RESERVATION_PREFIX}${scope}-${randomBytes(6).toString("hex")}-${Math.ceil(lifetimeMs / 1000)}`;
}

/** The lifetime a reservation name carries, in milliseconds; undefined for any name that is not a reservation. */
export function reservationLifetimeMs(name: string): number | undefined {
  const lifetime = NAME_PATTERN.exec(name)?.groups?.lifetime;
  return lifetime === undefined ? undefined : Number(lifetime) * 1000;
}

/** Whether the sweep would take a key of this name for a reservation: no key a state holds may carry one. */
export function isReservationName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/**
 * What a listing proves of a key, on Flashback's clock alone: its `createdAt` against the `Date` of
 * the answer that listed it (`listedAt`).
 * - `not-a-reservation`: never touched.
 * - `abandoned`: its create can no longer act on it.
 * - `in-flight`: its create may still hand it over.
 * - `no-proof`: the answer lacks a `Date` or a `createdAt` that names its zone, so nothing is known.
 *
 * Why `abandoned` is proof: the create hands a key over only when its claim (the rename) was
 * answered, by every clock it has, Flashback's included, within the lifetime of the create's own
 * answer (create-without-orphans.ts); `createdAt` precedes that answer by its handling time, which
 * the margin covers. So every claim that will ever succeed has landed by `createdAt + lifetime +
 * margin`, and a list taken later would show the declared name, not the reservation.
 */
export function judgeReservation(
  key: { name: string; createdAt?: unknown },
  listedAt: number | undefined,
): "not-a-reservation" | "abandoned" | "in-flight" | "no-proof" {
  const lifetimeMs = reservationLifetimeMs(key.name);
  if (lifetimeMs === undefined) return "not-a-reservation";
  const createdAt = parseZonedTimestamp(key.createdAt);
  if (listedAt === undefined || createdAt === undefined) return "no-proof";
  return listedAt - createdAt > lifetimeMs + ABANDONED_MARGIN_MS ? "abandoned" : "in-flight";
}

/** Whether a listed key is a reservation whose create can no longer act on it (`judgeReservation`). */
export function isAbandoned(key: { name: string; createdAt?: unknown }, listedAt: number | undefined): boolean {
  return judgeReservation(key, listedAt) === "abandoned";
}
