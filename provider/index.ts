/**
 * `@flashbacktech/pulumi`: Flashback resources for Pulumi programs.
 *
 * The lifecycle the engine runs, with the dynamic host's entry to it, is published as
 * `@flashbacktech/pulumi/lifecycle`; it is loaded by the provider process, never by the program, so
 * it is not re-exported here.
 */
export { RepoApiKey, SECRET_OUTPUTS } from "./resources/repo-api-key";
export type { RepoApiKeyArgs } from "./definitions/repo-api-key";
export { RotatingRepoApiKey, type RotatingRepoApiKeyArgs } from "./resources/rotating-repo-api-key";
export { rotationNumber } from "./resources/rotation";
export { REVOKED_KEYS, type RevokedKeys } from "./rotation/key-pair-rule";
export { RotationSchedule, type RotationScheduleArgs } from "./resources/rotation-schedule";
export { getRepoApiKeys, getRepoApiKeysOutput, type GetRepoApiKeysArgs, type GetRepoApiKeysResult } from "./functions/get-repo-api-keys";
export type { ListedRepoApiKey, ReservationState } from "./functions/get-repo-api-keys";
export { getRepoApiKey, getRepoApiKeyOutput, type GetRepoApiKeyArgs, type GetRepoApiKeyOutputArgs } from "./functions/get-repo-api-key";
export { ACCESS_TYPES, type AccessType } from "./types/api";
export type { RepoApiKeyInputs, RepoApiKeyOutputs } from "./definitions/repo-api-key";
export { FlashbackError } from "./errors/flashback-error";
export { FlashbackApiError, type ApiFailure } from "./errors/flashback-api-error";
export { SettingsError } from "./errors/settings-error";
export { InputError, type InputFailure } from "./errors/input-error";
export { CancelledError } from "./errors/cancelled-error";
export { ResourceOptionError } from "./errors/resource-option-error";
export {
  isFlashbackError,
  isFlashbackApiError,
  isSettingsError,
  isCancelledError,
  isInputError,
  isResourceOptionError,
} from "./errors/type-guards";
export { SETTING_KEYS, DEFAULT_API_URL, DEFAULTS } from "./settings/settings-keys";
