import * as pulumi from "@pulumi/pulumi";
import type { AccessType } from "../types/api";
import { currentSlot, requireRotation, slotGenerations, type Slot } from "./rotation";

/** The inputs of a `RotatingRepoApiKey`, in every language. */
export interface RotatingRepoApiKeyArgs {
  /** The repository both keys open. */
  repoId: pulumi.Input<string>;
  /** Base name; the two keys are named `<name>-a` and `<name>-b` in Flashback. */
  name: pulumi.Input<string>;
  /** The access level of both keys. */
  accessType: pulumi.Input<AccessType>;
  /**
   * A whole number of at least 0 that goes up by one at each rotation: a counter you raise by
   * hand (or a `RotationSchedule`'s `rotation`). Each step replaces the older of the two keys; the
   * newer one stays valid for one more period. Required unless `rotateEveryDays` is given; beside it,
   * a counter you may still raise by hand for a rotation now.
   */
  rotation?: pulumi.Input<number>;
  /**
   * A schedule: rotate when this many days have passed since the last rotation, at the next
   * deployment, with nobody raising a number. The component keeps a `RotationSchedule` child
   * (`<name>-schedule`) that stores when it last rotated and steps at most once per deployment.
   */
  rotateEveryDays?: pulumi.Input<number>;
  /**
   * Who may read the secrets: an age recipient or an armored OpenPGP public key, as on `RepoApiKey`.
   * Both keys' secrets are then encrypted to it (`currentEncryptedSecret`, `previousEncryptedSecret`)
   * and `currentSecret` and `previousSecret` stay empty. Changing it replaces both keys.
   */
  encryptTo?: pulumi.Input<string>;
}

/** What a slot's key must offer the component, whichever front made it. */
export interface SlotKey {
  readonly id: pulumi.Output<string>;
  readonly key: pulumi.Output<string>;
  readonly secret: pulumi.Output<string>;
  readonly encryptedSecret: pulumi.Output<string | undefined>;
}

/** The inputs a slot's key is made with: those of a `RepoApiKey`. */
export interface SlotKeyArgs {
  repoId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  accessType: pulumi.Input<AccessType>;
  rotateWhenChanged: pulumi.Input<string>;
  encryptTo?: pulumi.Input<string>;
}

/** The inputs of the schedule a component keeps for `rotateEveryDays`: those of a `RotationSchedule`. */
export interface ScheduleArgs {
  everyDays: pulumi.Input<number>;
  rotation?: pulumi.Input<number>;
}

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
 * `<name>-a` and `<name>-b`, each replaced when its slot's generation changes, and which of them
 * is current and which previous at the given rotation (the counter's, or the schedule's).
 */
export function rotatingKeyPair(
  parent: pulumi.ComponentResource,
  name: string,
  args: RotatingRepoApiKeyArgs,
  children: RotatingChildren,
): RotatingKeyOutputs {
  const rotation = rotationOf(parent, name, args, children).apply((value) => requireRotation(name, value));
  const slot = (which: Slot): SlotKey =>
    children.key(
      `${name}-${which}`,
      {
        repoId: args.repoId,
        name: pulumi.interpolate`${args.name}-${which}`,
        accessType: args.accessType,
        rotateWhenChanged: rotation.apply((value) => `generation ${slotGenerations(value)[which]}`),
        encryptTo: args.encryptTo,
      },
      { parent },
    );
  const keys: Record<Slot, SlotKey> = { a: slot("a"), b: slot("b") };
  const pick = <T>(select: (key: SlotKey) => pulumi.Output<T>, current: boolean): pulumi.Output<T> =>
    rotation.apply((value) => {
      const slotNow = currentSlot(value);
      return select(keys[current ? slotNow : slotNow === "a" ? "b" : "a"]);
    });
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
