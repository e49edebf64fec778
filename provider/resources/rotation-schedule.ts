import * as pulumi from "@pulumi/pulumi";
import { rotationScheduleProviderStub } from "../dynamic/schedule-stub";
import { pickProperties } from "../definitions/property";
import { ROTATION_SCHEDULE, type RotationScheduleArgs } from "../definitions/rotation-schedule";

export type { RotationScheduleArgs };

/**
 * A rotation number that goes up by one when a period has passed, with nobody raising it: the
 * trigger of a `RotatingRepoApiKey` (its `rotation`). It stores when it last stepped, so each
 * deployment moves it at most one step, however long the stack was left alone or however the
 * period changed, and the previous key always keeps its overlap. Its "now" is the provider
 * process's clock (`FLASHBACK_TEST_NOW`, an ISO time, overrides it for tests, with a warning).
 *
 * Calls nobody: it needs no access token. The plugin serves the same rule as
 * `flashback:index:RotationSchedule`.
 */
export class RotationSchedule extends pulumi.dynamic.Resource {
  /** The period, in days. */
  declare readonly everyDays: pulumi.Output<number>;
  /** The rotation number: starts at the `rotation` input or 0, and goes up by one per step. */
  declare readonly rotation: pulumi.Output<number>;
  /** When the last step was taken (or the schedule made), ISO 8601 in UTC. */
  declare readonly rotatedAt: pulumi.Output<string>;
  /** From this time on, the next deployment steps. */
  declare readonly nextRotationAfter: pulumi.Output<string>;

  constructor(name: string, args: RotationScheduleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      rotationScheduleProviderStub(),
      name,
      { ...pickProperties(ROTATION_SCHEDULE.inputs, args), rotatedAt: undefined, nextRotationAfter: undefined },
      opts,
      "flashback",
      "RotationSchedule",
    );
  }
}
