/*
 * Published as `@flashbacktech/pulumi/lifecycle` (package.json "exports"), the module every stored
 * `__provider` stub requires by name (dynamic/stub.ts): so besides the lifecycle it carries the
 * dynamic host's entry points. A package entry, at provider/'s root beside index.ts, so that it
 * gathers lifecycle/, dynamic/ and schedule/ without any of them importing the others.
 */
export { RepoApiKeyLifecycle, type LifecycleOptions, type Properties, type ConfigSource } from "./lifecycle/repo-api-key-lifecycle";
export { PartialKeyError } from "./errors/partial-key-error";
export { isPartialKeyError } from "./errors/type-guards";
export { checkInputs, UNKNOWN_VALUE, MAX_NAME_LENGTH } from "./lifecycle/check-inputs";
export { diffInputs } from "./lifecycle/diff-inputs";
export { RepoApiKeyProvider, repoApiKeyProvider, adoptStub, RotationScheduleProvider, adoptScheduleStub } from "./dynamic";
export { ScheduleLifecycle } from "./schedule/schedule-lifecycle";
