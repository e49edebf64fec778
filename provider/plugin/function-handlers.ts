import { InputError } from "../errors/input-error";
import { isUnknown, providerProto, toStruct, wrapSecrets, type Props } from "../engine/pulumi-protocol";
import type { RepoApiKeyLifecycle } from "../lifecycle/repo-api-key-lifecycle";
import type { PluginSession, ProtoRequest } from "./plugin-session";
import { GET_REPO_API_KEY_TOKEN, GET_REPO_API_KEYS_TOKEN, REPO_API_KEY_TOKEN } from "../definitions/tokens";

/** What each function's token runs: its result as the schema's `outputs` declare it. */
const FUNCTIONS: Record<string, (lifecycle: RepoApiKeyLifecycle, args: Props) => Promise<Props>> = {
  [GET_REPO_API_KEYS_TOKEN]: async (lifecycle, args) => ({ ...(await lifecycle.getRepoApiKeys(args)) }),
  [GET_REPO_API_KEY_TOKEN]: async (lifecycle, args) => ({ ...(await lifecycle.getRepoApiKey(args)) }),
};

/** What reads without a resource: the functions (Invoke) and `pulumi do … list` (List). */
export class FunctionHandlers {
  constructor(private readonly session: PluginSession) {}

  /**
   * The functions `getRepoApiKeys` and `getRepoApiKey`, on the lifecycle the resource runs. Bad
   * arguments come back as the engine's check failures, which every SDK reports with the field's
   * name; when an argument came in secret, so does every field of the result.
   */
  async invoke(request: ProtoRequest): Promise<unknown> {
    const token: string = request.getTok();
    const { plain: args, secretKeys } = this.session.unwrap(request.getArgs());
    const run = FUNCTIONS[token];
    if (run === undefined)
      throw new Error(`the flashback provider has no function "${token}"; it has ${Object.keys(FUNCTIONS).join(", ")}`);
    try {
      const result = await run(this.session.lifecycle, args);
      return new providerProto.InvokeResponse().setReturn(toStruct(wrapSecrets(result, secretKeys.length > 0 ? Object.keys(result) : [])));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const failures = error.failures.map((failure) =>
        new providerProto.CheckFailure().setProperty(failure.property).setReason(this.session.lifecycle.redact(failure.reason)),
      );
      return new providerProto.InvokeResponse().setFailuresList(failures);
    }
  }

  /**
   * `List` (`pulumi do flashback:index:RepoApiKey list --repo-id …`): the keys of the repository
   * the query names, each by its import id `<repoId>/<keyId>` and its name, in one page (Flashback
   * lists a repository whole). Leftover reservations are left out: their secret is lost and import
   * refuses them. A repository not known yet (preview) is answered "computed".
   */
  async list(request: ProtoRequest): Promise<unknown[]> {
    const token: string = request.getToken();
    if (token !== REPO_API_KEY_TOKEN) throw new Error(`the flashback provider lists only ${REPO_API_KEY_TOKEN}, not "${token}"`);
    const { plain: query } = this.session.unwrap(request.getQuery());
    if (isUnknown(query.repoId)) return [new providerProto.ListResponse().setComputed(new providerProto.ListResponse.Computed())];
    const { repoId, keys } = await this.session.lifecycle.getRepoApiKeys({ repoId: query.repoId });
    const limit: number = request.getLimit();
    const importable = keys.filter((key) => !key.isReservation).slice(0, limit > 0 ? limit : undefined);
    return [
      ...importable.map((key) =>
        new providerProto.ListResponse().setResult(new providerProto.ListResponse.Result().setId(`${repoId}/${key.id}`).setName(key.name)),
      ),
      new providerProto.ListResponse().setContinuation(new providerProto.ListResponse.Continuation().setContinuationToken("")),
    ];
  }
}
