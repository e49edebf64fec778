import * as pulumi from "@pulumi/pulumi";
import { ROTATING_REPO_API_KEY_TOKEN } from "../definitions/tokens";
import { RepoApiKey } from "./repo-api-key";
import { RotationSchedule } from "./rotation-schedule";
import { deletedWithWarning, keyOptions, scheduleOptions } from "./child-options";
import { rotatingKeyPair, type RotatingRepoApiKeyArgs } from "./rotating-key-pair";

export type { RotatingRepoApiKeyArgs };

/**
 * Two repository API keys that take turns: `current` and `previous`. Each rotation replaces the
 * older key with a new one, which becomes `current`; the former current key becomes `previous` and
 * keeps working for a whole period. Consumers outside the stack that reload credentials on their
 * own schedule (a CI system, a partner, a cron job) thus always have an overlap to switch in.
 *
 * All key and secret outputs are secret. Other languages get the same component from the plugin
 * (its Construct runs the same `rotatingKeyPair`, over the plugin's RepoApiKey).
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
  /** With `encryptTo`: the newest key's secret as armored ciphertext for the recipient (`currentSecret` is then empty). */
  readonly currentEncryptedSecret: pulumi.Output<string | undefined>;
  /** With `encryptTo`: the previous key's secret as armored ciphertext for the recipient. */
  readonly previousEncryptedSecret: pulumi.Output<string | undefined>;

  constructor(name: string, args: RotatingRepoApiKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ROTATING_REPO_API_KEY_TOKEN, name, {}, opts);
    const outputs = rotatingKeyPair(this, name, args, {
      key: (keyName, keyArgs, keyOpts) => new RepoApiKey(keyName, keyArgs, { ...keyOpts, ...keyOptions(this, opts) }),
      schedule: (scheduleName, scheduleArgs, scheduleOpts) =>
        new RotationSchedule(scheduleName, scheduleArgs, { ...scheduleOpts, ...scheduleOptions(this, opts) }),
    });
    if (opts?.deletedWith !== undefined) opts.deletedWith.urn.apply((target) => pulumi.log.warn(deletedWithWarning(name, target), this));
    this.currentKey = outputs.currentKey;
    this.currentSecret = outputs.currentSecret;
    this.currentKeyId = outputs.currentKeyId;
    this.previousKey = outputs.previousKey;
    this.previousSecret = outputs.previousSecret;
    this.previousKeyId = outputs.previousKeyId;
    this.currentEncryptedSecret = outputs.currentEncryptedSecret;
    this.previousEncryptedSecret = outputs.previousEncryptedSecret;
    this.registerOutputs({ ...outputs });
  }
}
