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
   * hand, or `rotationNumber({ everyDays: 30 })` for a schedule. Each step replaces the older of
   * the two keys; the newer one stays valid for one more period.
   */
  rotation: pulumi.Input<number>;
}

/** What a slot's key must offer the component, whichever front made it. */
export interface SlotKey {
  readonly id: pulumi.Output<string>;
  readonly key: pulumi.Output<string>;
  readonly secret: pulumi.Output<string>;
}

/** The inputs a slot's key is made with: those of a `RepoApiKey`. */
export interface SlotKeyArgs {
  repoId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  accessType: pulumi.Input<AccessType>;
  rotateWhenChanged: pulumi.Input<string>;
}

/**
 * Makes one slot's key: the dynamic `RepoApiKey` in a TypeScript program, the plugin's
 * `flashback:index:RepoApiKey` in the plugin's Construct (every other language).
 */
export type SlotKeyFactory = (name: string, args: SlotKeyArgs, opts: pulumi.CustomResourceOptions) => SlotKey;

/** The component's outputs. */
export interface RotatingKeyOutputs {
  currentKey: pulumi.Output<string>;
  currentSecret: pulumi.Output<string>;
  currentKeyId: pulumi.Output<string>;
  previousKey: pulumi.Output<string>;
  previousSecret: pulumi.Output<string>;
  previousKeyId: pulumi.Output<string>;
}

/**
 * The rotation logic of `RotatingRepoApiKey`, one for both fronts: two keys under `parent`,
 * `<name>-a` and `<name>-b`, each replaced when its slot's generation changes, and which of them
 * is current and which previous at the given rotation.
 */
export function rotatingKeyPair(
  parent: pulumi.ComponentResource,
  name: string,
  args: RotatingRepoApiKeyArgs,
  makeKey: SlotKeyFactory,
): RotatingKeyOutputs {
  const rotation = pulumi.output(args.rotation).apply((value) => requireRotation(name, value));
  const slot = (which: Slot): SlotKey =>
    makeKey(
      `${name}-${which}`,
      {
        repoId: args.repoId,
        name: pulumi.interpolate`${args.name}-${which}`,
        accessType: args.accessType,
        rotateWhenChanged: rotation.apply((value) => `generation ${slotGenerations(value)[which]}`),
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
  };
}
