import type * as pulumi from "@pulumi/pulumi";
import { RepoApiKeyProvider } from "./repo-api-key-provider";
import { RotationScheduleProvider } from "./rotation-schedule-provider";

export { RepoApiKeyProvider } from "./repo-api-key-provider";
export { RotationScheduleProvider } from "./rotation-schedule-provider";

/**
 * The one provider of this process. The serialized stub in every resource's `__provider` loads this
 * module with `require` and calls it, so all resources share its gate, token and state, and a fixed
 * version of this package fixes stacks created with an older one.
 */
export const repoApiKeyProvider = new RepoApiKeyProvider();

const LIFECYCLE_METHODS = ["check", "diff", "create", "read", "update", "delete"] as const;

/**
 * Called by the serialized stub's `configure` (stub.ts): gives the stub the provider's lifecycle
 * methods, then configures the provider. Stubs serialized by older versions, which carry all seven
 * methods or no scope, call `repoApiKeyProvider` directly and keep working.
 */
export function adoptStub(stub: Record<string, unknown>, request: pulumi.dynamic.ConfigureRequest, scope?: unknown): Promise<void> {
  for (const method of LIFECYCLE_METHODS) stub[method] = repoApiKeyProvider[method].bind(repoApiKeyProvider);
  repoApiKeyProvider.lifecycle.useDeploymentScope(scope);
  return repoApiKeyProvider.configure(request);
}

/** The one schedule provider of this process; a schedule needs no settings, so configuring it is adopting its methods. */
export const rotationScheduleProvider = new RotationScheduleProvider();

/** Called by a RotationSchedule's serialized stub (schedule-stub.ts): gives it the schedule provider's methods. */
export async function adoptScheduleStub(stub: Record<string, unknown>, _request: pulumi.dynamic.ConfigureRequest): Promise<void> {
  for (const method of LIFECYCLE_METHODS) stub[method] = rotationScheduleProvider[method].bind(rotationScheduleProvider);
}
