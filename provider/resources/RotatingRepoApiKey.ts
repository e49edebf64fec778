import * as pulumi from "@pulumi/pulumi";
import type { AccessType } from "../types/api";
import { RepoApiKey } from "./RepoApiKey";
import { currentSlot, requireRotation, slotGenerations, type Slot } from "./rotation";

/** The inputs of a `RotatingRepoApiKey`. */
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

/**
 * Two repository API keys that take turns: `current` and `previous`. Each rotation replaces the
 * older key with a new one, which becomes `current`; the former current key becomes `previous` and
 * keeps working for a whole period. Consumers outside the stack that reload credentials on their
 * own schedule (a CI system, a partner, a cron job) thus always have an overlap to switch in.
 *
 * All key and secret outputs are secret.
 */
export class RotatingRepoApiKey extends pulumi.ComponentResource {
  /** The key id of the newest key. */
  readonly currentKey: pulumi.Output<string>;
  /** The secret of the newest key. */
  readonly currentSecret: pulumi.Output<string>;
  /** Flashback's id of the newest key. */
  readonly currentKeyId: pulumi.Output<string>;
  /** The key id of the key before it, still valid until the next rotation. */
  readonly previousKey: pulumi.Output<string>;
  /** The secret of the key before it. */
  readonly previousSecret: pulumi.Output<string>;
  /** Flashback's id of the key before it. */
  readonly previousKeyId: pulumi.Output<string>;

  constructor(name: string, args: RotatingRepoApiKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flashback:index:RotatingRepoApiKey", name, {}, opts);
    const rotation = pulumi.output(args.rotation).apply((value) => requireRotation(name, value));
    const slot = (which: Slot): RepoApiKey =>
      new RepoApiKey(
        `${name}-${which}`,
        {
          repoId: args.repoId,
          name: pulumi.interpolate`${args.name}-${which}`,
          accessType: args.accessType,
          rotateWhenChanged: rotation.apply((value) => `generation ${slotGenerations(value)[which]}`),
        },
        { parent: this },
      );
    const keys: Record<Slot, RepoApiKey> = { a: slot("a"), b: slot("b") };
    const pick = <T>(select: (key: RepoApiKey) => pulumi.Output<T>, current: boolean): pulumi.Output<T> =>
      rotation.apply((value) => {
        const slotNow = currentSlot(value);
        return select(keys[current ? slotNow : slotNow === "a" ? "b" : "a"]);
      });

    this.currentKey = pick((key) => key.key, true);
    this.currentSecret = pick((key) => key.secret, true);
    this.currentKeyId = pick((key) => key.id, true);
    this.previousKey = pick((key) => key.key, false);
    this.previousSecret = pick((key) => key.secret, false);
    this.previousKeyId = pick((key) => key.id, false);
    this.registerOutputs({
      currentKey: this.currentKey,
      currentSecret: this.currentSecret,
      currentKeyId: this.currentKeyId,
      previousKey: this.previousKey,
      previousSecret: this.previousSecret,
      previousKeyId: this.previousKeyId,
    });
  }
}
