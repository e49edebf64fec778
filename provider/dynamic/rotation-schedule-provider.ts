import type * as pulumi from "@pulumi/pulumi";
import { InputError } from "../errors/input-error";
import { processEngineWarnings } from "../engine/engine-log";
import { scheduleFields, type ScheduleState } from "../schedule/rotation-schedule";
import { ScheduleLifecycle } from "../schedule/schedule-lifecycle";

type Props = Record<string, unknown>;

/**
 * The dynamic front of a RotationSchedule: the host's Check, Diff and CRUD on the schedule's
 * lifecycle. Check stores the rule's result as the inputs, so create and update only hand them
 * back as outputs; the host adds `__provider` itself.
 */
export class RotationScheduleProvider implements pulumi.dynamic.ResourceProvider<Props, ScheduleState> {
  constructor(readonly lifecycle: ScheduleLifecycle = new ScheduleLifecycle({ warn: processEngineWarnings() })) {}

  async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult<Props>> {
    return this.lifecycle.check(olds, news);
  }

  async diff(_id: string, olds: ScheduleState, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return { changes: this.lifecycle.diff({ ...olds }, news).changes, replaces: [] };
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult<ScheduleState>> {
    return { id: this.lifecycle.newId(), outs: scheduleFields(inputs) as unknown as ScheduleState };
  }

  async read(id: string, props?: ScheduleState): Promise<pulumi.dynamic.ReadResult<ScheduleState>> {
    if (props === undefined) {
      throw new InputError([
        { property: "id", reason: `a RotationSchedule ("${id}") cannot be imported: it holds nothing outside the state` },
      ]);
    }
    return { id, props };
  }

  async update(_id: string, _olds: ScheduleState, news: Props): Promise<pulumi.dynamic.UpdateResult<ScheduleState>> {
    return { outs: scheduleFields(news) as unknown as ScheduleState };
  }

  /** Nothing to delete: the schedule lives only in the state. */
  async delete(): Promise<void> {}
}
