import { scheduleFields } from "../schedule/rotation-schedule";
import { ScheduleLifecycle } from "../schedule/schedule-lifecycle";
import { emptyProto, fromStruct, providerProto, toStruct, unwrapSecrets, wrapSecrets, type Props } from "../engine/pulumi-protocol";
import type { ProtoRequest } from "./plugin-session";

/**
 * The plugin's `flashback:index:RotationSchedule`: the protocol's Check, Diff and CRUD on the
 * schedule's lifecycle, the one the dynamic RotationSchedule runs. Check stores the rule's result
 * as the inputs, so a preview's Create and Update (which the engine asks of a provider that
 * supports previews) answer known values. A field that came in secret stays secret.
 */
export class RotationScheduleHandlers {
  constructor(readonly lifecycle: ScheduleLifecycle = new ScheduleLifecycle()) {}

  async check(request: ProtoRequest): Promise<unknown> {
    const olds = unwrapSecrets(fromStruct(request.getOlds())).plain;
    const { plain: news, secretKeys } = unwrapSecrets(fromStruct(request.getNews()));
    const { inputs, failures } = this.lifecycle.check(olds, news);
    return new providerProto.CheckResponse()
      .setInputs(toStruct(wrapSecrets(inputs, secretKeys)))
      .setFailuresList(failures.map((failure) => new providerProto.CheckFailure().setProperty(failure.property).setReason(failure.reason)));
  }

  async diff(request: ProtoRequest): Promise<unknown> {
    const olds = unwrapSecrets(fromStruct(request.getOlds())).plain;
    const news = unwrapSecrets(fromStruct(request.getNews())).plain;
    const { changes, updates } = this.lifecycle.diff(olds, news);
    const { DiffChanges } = providerProto.DiffResponse;
    const response = new providerProto.DiffResponse()
      .setChanges(changes ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
      .setDiffsList(updates)
      .setHasdetaileddiff(true);
    const detailed = response.getDetaileddiffMap();
    for (const field of updates) detailed.set(field, new providerProto.PropertyDiff().setKind(providerProto.PropertyDiff.Kind.UPDATE));
    return response;
  }

  async create(request: ProtoRequest): Promise<unknown> {
    return new providerProto.CreateResponse()
      .setId(request.getPreview() ? "" : this.lifecycle.newId())
      .setProperties(outputsOf(request.getProperties()));
  }

  async read(request: ProtoRequest): Promise<unknown> {
    if (Object.keys(fromStruct(request.getProperties())).length === 0) {
      throw new Error(`a flashback:index:RotationSchedule ("${request.getId()}") cannot be imported: it holds nothing outside the state`);
    }
    return new providerProto.ReadResponse()
      .setId(request.getId())
      .setProperties(request.getProperties())
      .setInputs(request.getInputs() ?? request.getProperties());
  }

  async update(request: ProtoRequest): Promise<unknown> {
    return new providerProto.UpdateResponse().setProperties(outputsOf(request.getNews()));
  }

  /** Nothing to delete: the schedule lives only in the state. */
  async delete(): Promise<unknown> {
    return new emptyProto.Empty();
  }
}

/** The checked inputs are the outputs: the schedule's own fields, secret where they came in secret. */
function outputsOf(struct: { toJavaScript(): Props } | undefined): unknown {
  const { plain, secretKeys } = unwrapSecrets(fromStruct(struct));
  return toStruct(wrapSecrets(scheduleFields(plain), secretKeys));
}
