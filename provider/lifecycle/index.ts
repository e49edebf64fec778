import { RepoApiKeyProvider } from "./repo-api-key-provider";

export { RepoApiKeyProvider, type ProviderOptions } from "./repo-api-key-provider";
export { checkInputs, UNKNOWN_VALUE, MAX_NAME_LENGTH } from "./check-inputs";
export { diffInputs } from "./diff-inputs";

/**
 * The one provider of this process. The serialized stub in every resource's `__provider` loads this
 * module with `require` and calls it, so all resources share its gate, token and state, and a fixed
 * version of this package fixes stacks created with an older one.
 */
export const repoApiKeyProvider = new RepoApiKeyProvider();
