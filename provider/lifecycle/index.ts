/*
 * Published as `@flashbacktech/pulumi/lifecycle`, the module every stored `__provider` stub
 * requires by name (dynamic/stub.ts): so besides the lifecycle it carries the dynamic host's entry.
 */
export { RepoApiKeyLifecycle, type LifecycleOptions, type Properties, type ConfigSource } from "./repo-api-key-lifecycle";
export { PartialKeyError } from "../errors/partial-key-error";
export { checkInputs, UNKNOWN_VALUE, MAX_NAME_LENGTH } from "./check-inputs";
export { diffInputs } from "./diff-inputs";
export { RepoApiKeyProvider, repoApiKeyProvider, adoptStub, RotationScheduleProvider, adoptScheduleStub } from "../dynamic";
export { ScheduleLifecycle } from "../schedule/schedule-lifecycle";
