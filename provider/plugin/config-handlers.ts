import { emptyProto, fromStruct, providerProto, unwrapSecrets } from "../engine/pulumi-protocol";
import { settingsFailures } from "../settings/resolve-settings";
import { knownOnly, providerConfig, requireKnownSettings } from "./provider-config";
import type { PluginSession, ProtoRequest } from "./plugin-session";

/** The provider's own settings: CheckConfig, DiffConfig, Configure, and Cancel, which ends the whole process's work. */
export class ConfigHandlers {
  constructor(private readonly session: PluginSession) {}

  /**
   * Settings checked as the dynamic resource checks them, each bad one reported under its own name
   * and its source (an explicit provider's input, or stack config). The engine sends unknowns here
   * (a provider input from another resource's output, in a preview): they pass, and are checked
   * once known, in the CheckConfig of the update and at first use.
   */
  async checkConfig(request: ProtoRequest): Promise<unknown> {
    const news = knownOnly(unwrapSecrets(fromStruct(request.getNews())).plain);
    const failures = settingsFailures({ config: providerConfig(request.getUrn(), news), env: {} });
    return new providerProto.CheckResponse()
      .setInputs(request.getNews())
      .setFailuresList(failures.map(({ name, error }) => new providerProto.CheckFailure().setProperty(name).setReason(error.message)));
  }

  /** Settings are read at each run, so a change needs nothing replaced. */
  async diffConfig(request: ProtoRequest): Promise<unknown> {
    const olds = unwrapSecrets(fromStruct(request.getOlds())).plain;
    const news = unwrapSecrets(fromStruct(request.getNews())).plain;
    const changed = Object.keys({ ...olds, ...news }).filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
    return new providerProto.DiffResponse()
      .setChanges(changed.length > 0 ? providerProto.DiffResponse.DiffChanges.DIFF_SOME : providerProto.DiffResponse.DiffChanges.DIFF_NONE)
      .setDiffsList(changed);
  }

  /** The provider's inputs (`args`; `variables` for an engine that sends only those), read and checked by the lifecycle at first use. */
  async configure(request: ProtoRequest): Promise<unknown> {
    const args = unwrapSecrets(fromStruct(request.getArgs())).plain;
    const config = providerConfig(request.getUrn(), args, request.getVariablesMap());
    requireKnownSettings(args, config);
    this.session.lifecycle.configure(config);
    return new providerProto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true);
  }

  /** Ctrl-C: the lifecycle stops retrying and waiting; what is in flight finishes or is cleaned up. */
  async cancel(): Promise<unknown> {
    this.session.lifecycle.cancel();
    return new emptyProto.Empty();
  }
}
