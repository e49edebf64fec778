import { createHash, randomBytes } from "node:crypto";

/**
 * A key is created under a reservation name and renamed to its declared name only once the engine
 * can receive it (create-without-orphans.ts). A reservation that outlives its deployment is
 * therefore a key whose secret nobody holds, and its name says so to whoever reads Flashback's
 * console: `pulumi-pending-<deployment>-<nonce>`.
 */
export const RESERVATION_PREFIX = "pulumi-pending-";

const SCOPE_PATTERN = /^[0-9a-f]{12}$/;

/** Which stack a reservation belongs to: one deployment of a stack runs at a time (the backend's lock). */
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

/** A scope no other process has: for providers built without a stack (tests, tools), whose reservations no later run may sweep. */
export function processScope(): string {
  return randomBytes(6).toString("hex");
}

export function isDeploymentScope(value: unknown): value is string {
  return typeof value === "string" && SCOPE_PATTERN.test(value);
}

/** A name no other create attempt uses, so a lost answer's key is found by its name alone. */
export function newReservationName(scope: string): string {
  return `${RESERVATION_PREFIX}${scope}-${randomBytes(6).toString("hex")}`;
}

export function isReservationOf(name: string, scope: string): boolean {
  return name.startsWith(`${RESERVATION_PREFIX}${scope}-`);
}
