import { randomBytes } from "node:crypto";
import type { ListedApiKey } from "../types/api";

/**
 * The adapter's keys are named `<base>~esc~<org/env>~<repoId>~g<generation>~<until>~<nonce>`: the
 * environment and repository say whose key it is, the generation which rotation made it, and
 * `until` (Unix seconds) when the rotation that made it is over, by its own deadline. Before then
 * a key that no state holds may belong to a rotation still running; after, it is a leftover
 * (a lost answer, a killed process) that the next rotation deletes.
 */
export interface OwnKey {
  listed: ListedApiKey;
  generation: number;
  untilMs: number;
}

/** A name for generation `generation`'s key, made by a rotation that is over by `untilMs`. */
export function ownKeyName(base: string, environment: string, repoId: string, generation: number, untilMs: number): string {
  return `${base}${marker(environment, repoId)}g${generation}~${Math.ceil(untilMs / 1000)}~${randomBytes(4).toString("hex")}`;
}

/**
 * The keys of `listed` this environment's rotations of the keys named `base` made in `repoId`:
 * what the adapter may ever delete. Two rotators of one environment and repository (a reader and
 * a writer) differ by their base names, and never touch each other's keys.
 */
export function ownKeys(listed: readonly ListedApiKey[], base: string, environment: string, repoId: string): OwnKey[] {
  const head = `${base}${marker(environment, repoId)}`;
  return listed.flatMap((key) => {
    const match = key.name.startsWith(head) ? /^g(\d{1,9})~(\d{1,12})~[0-9a-f]{8}$/.exec(key.name.slice(head.length)) : null;
    return match === null ? [] : [{ listed: key, generation: Number(match[1]), untilMs: Number(match[2]) * 1000 }];
  });
}

function marker(environment: string, repoId: string): string {
  return `~esc~${environment}~${repoId}~`;
}
