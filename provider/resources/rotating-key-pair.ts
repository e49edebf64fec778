import { randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { generationOfTrigger, REVOKED_KEYS, type RevokedKeys, type Slot } from "../rotation/key-pair-rule";
import type { AccessType } from "../types/api";
import type { PairMade } from "../definitions/repo-api-key";
import type { RotatingRepoApiKeyArgs } from "../definitions/rotating-repo-api-key";
import type { RotationScheduleArgs } from "../definitions/rotation-schedule";

export type { RotatingRepoApiKeyArgs };
import { requireRotation } from "./rotation";

/** What a slot's key must offer the component, whichever front made it. */
export interface SlotKey {
  readonly id: pulumi.Output<string>;
  readonly key: pulumi.Output<string>;
  readonly secret: pulumi.Output<string>;
  readonly encryptedSecret: pulumi.Output<string | undefined>;
  /** The key's generation, `generation <n>`, set by its Check (lifecycle/pair-check.ts). */
  readonly rotateWhenChanged: pulumi.Output<string | undefined>;
  /** Where the key was made: what slot b reads of slot a. */
  readonly pairMade: pulumi.Output<PairMade | undefined>;
}

/** The inputs a slot's key is made with: those of a `RepoApiKey`, and the pair's request, which its Check turns into its generation. */
export interface SlotKeyArgs {
  repoId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  accessType: pulumi.Input<AccessType>;
  pair: pulumi.Input<PairRequestSent>;
  encryptTo?: pulumi.Input<string>;
}

/** The request a key of the pair is sent under `pair`; its Check reads it (lifecycle/pair-check.ts). */
export interface PairRequestSent {
  slot: Slot;
  desired: number;
  deployment: string;
  siblingName: string;
  /** Slot b: slot a as registered in this deployment, its generation as it stores it (`generation <n>`). */
  sibling?: { id: string; generation: string | undefined; made?: PairMade };
  revokeKeys?: RevokedKeys;
  revokeWhenChanged?: string;
}

/** The inputs of the schedule a component keeps for `rotateEveryDays`: those of a `RotationSchedule`. */
export type ScheduleArgs = RotationScheduleArgs;

/**
 * Makes the component's children: the dynamic `RepoApiKey` and `RotationSchedule` in a TypeScript
 * program, the plugin's `flashback:index:RepoApiKey` and `flashback:index:RotationSchedule` in the
 * plugin's Construct (every other language).
 */
export interface RotatingChildren {
  key(name: string, args: SlotKeyArgs, opts: pulumi.CustomResourceOptions): SlotKey;
  schedule(name: string, args: ScheduleArgs, opts: pulumi.CustomResourceOptions): { readonly rotation: pulumi.Output<number> };
}

/** The component's outputs. */
export interface RotatingKeyOutputs {
  currentKey: pulumi.Output<string>;
  currentSecret: pulumi.Output<string>;
  currentKeyId: pulumi.Output<string>;
  previousKey: pulumi.Output<string>;
  previousSecret: pulumi.Output<string>;
  previousKeyId: pulumi.Output<string>;
  currentEncryptedSecret: pulumi.Output<string | undefined>;
  previousEncryptedSecret: pulumi.Output<string | undefined>;
}

/**
 * The rotation logic of `RotatingRepoApiKey`, one for both fronts: two keys under `parent`,
 * `<name>-a` and `<name>-b`. The component asks each for the rotation number (the counter's, or the
 * schedule's) and any revocation; each key's Check decides its own generation by the pair's rule
 * (rotation/key-pair-rule.ts). Slot b is registered after slot a and is handed a's id and
 * generation; the key with the higher generation is current.
 */
export function rotatingKeyPair(
  parent: pulumi.ComponentResource,
  name: string,
  args: RotatingRepoApiKeyArgs,
  children: RotatingChildren,
): RotatingKeyOutputs {
  refusePlainBadRevokeKeys(name, args.revokeKeys);
  const rotation = rotationOf(parent, name, args, children).apply((value) => requireRotation(name, value));
  // One id per program run: a key made in this deployment records it, so that b knows a moved now.
  const deployment = randomUUID();
  const request = (slot: Slot, sibling?: pulumi.Output<NonNullable<PairRequestSent["sibling"]>>): pulumi.Output<PairRequestSent> =>
    pulumi
      .all([rotation, args.name, args.revokeKeys, args.revokeWhenChanged, sibling])
      .apply(([desired, base, revokeKeys, revokeWhenChanged, siblingKey]) => ({
        slot,
        desired,
        deployment,
        siblingName: `${base}-${slot === "a" ? "b" : "a"}`,
        ...(siblingKey === undefined ? {} : { sibling: siblingKey }),
        ...(revokeKeys === undefined ? {} : { revokeKeys }),
        // An empty text is no revocation: a config value declared with `default: ""` asks for none.
        ...(revokeWhenChanged === undefined || revokeWhenChanged === "" ? {} : { revokeWhenChanged }),
      }));
  const slotKey = (which: Slot, pair: pulumi.Output<PairRequestSent>): SlotKey =>
    children.key(
      `${name}-${which}`,
      {
        repoId: args.repoId,
        name: pulumi.interpolate`${args.name}-${which}`,
        accessType: args.accessType,
        pair,
        encryptTo: args.encryptTo,
      },
      { parent },
    );
  const a = slotKey("a", request("a"));
  const seenByB = pulumi
    .all([a.id, a.rotateWhenChanged, a.pairMade])
    .apply(([id, generation, made]) => ({ id, generation, ...(made === undefined ? {} : { made }) }));
  const keys: Record<Slot, SlotKey> = { a, b: slotKey("b", request("b", seenByB)) };
  const currentSlot = pulumi.all([keys.a.rotateWhenChanged, keys.b.rotateWhenChanged]).apply(([ofA, ofB]) => newerSlot(ofA, ofB));
  const pick = <T>(select: (key: SlotKey) => pulumi.Output<T>, current: boolean): pulumi.Output<T> =>
    currentSlot.apply((slotNow) => select(keys[current ? slotNow : slotNow === "a" ? "b" : "a"]));
  return {
    currentKey: pick((key) => key.key, true),
    currentSecret: pick((key) => key.secret, true),
    currentKeyId: pick((key) => key.id, true),
    previousKey: pick((key) => key.key, false),
    previousSecret: pick((key) => key.secret, false),
    previousKeyId: pick((key) => key.id, false),
    currentEncryptedSecret: pick((key) => key.encryptedSecret, true),
    previousEncryptedSecret: pick((key) => key.encryptedSecret, false),
  };
}

/** The slot whose key has the higher generation: the newer key, which consumers take as current. */
export function newerSlot(generationOfA: unknown, generationOfB: unknown): Slot {
  return (generationOfTrigger(generationOfA) ?? -Infinity) > (generationOfTrigger(generationOfB) ?? -Infinity) ? "a" : "b";
}

/** The rotation number the keys follow: the schedule's with `rotateEveryDays`, else the counter. */
function rotationOf(
  parent: pulumi.ComponentResource,
  name: string,
  args: RotatingRepoApiKeyArgs,
  children: RotatingChildren,
): pulumi.Output<number> {
  if (args.rotateEveryDays !== undefined) {
    return children.schedule(`${name}-schedule`, { everyDays: args.rotateEveryDays, rotation: args.rotation }, { parent }).rotation;
  }
  if (args.rotation === undefined) {
    throw new RangeError(
      `RotatingRepoApiKey "${name}": give rotation (a whole number of at least 0 you raise to rotate) or rotateEveryDays (a schedule, in days); it has neither`,
    );
  }
  refusePlainBadRotation(name, args.rotation);
  return pulumi.output(args.rotation);
}

/**
 * A counter given as a plain value is checked at once, failing this component alone (the plugin's
 * Construct calls it before anything is registered); an output, or a secret, is checked once known.
 */
export function refusePlainBadRotation(name: string, rotation: unknown): void {
  if (rotation !== undefined && typeof rotation !== "object") requireRotation(name, rotation);
}

/** `revokeKeys` given as a plain value is checked at once, like the counter; a key's Check refuses any other. */
export function refusePlainBadRevokeKeys(name: string, revokeKeys: unknown): void {
  if (revokeKeys === undefined || typeof revokeKeys === "object" || REVOKED_KEYS.includes(revokeKeys as RevokedKeys)) return;
  throw new RangeError(
    `RotatingRepoApiKey "${name}": revokeKeys must be one of ${REVOKED_KEYS.join(", ")}; got ${JSON.stringify(revokeKeys)}`,
  );
}
