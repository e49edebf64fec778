/* eslint-disable @typescript-eslint/no-require-imports -- a runtime require, as in stub.ts */
import type * as pulumi from "@pulumi/pulumi";

/*
 * What Pulumi serializes into every RotationSchedule's `__provider`: like RepoApiKey's stub
 * (stub.ts says why), one `configure` that loads the provider from the installed package at call
 * time and gives this object its methods. It captures nothing.
 */
const scheduleStub = {
  configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return require("@flashbacktech/pulumi/lifecycle").adoptScheduleStub(this, request);
  },
};

/** The one stub of every schedule, so Pulumi serializes it once per program. */
export function rotationScheduleProviderStub(): pulumi.dynamic.ResourceProvider {
  // Typed as a whole provider because that is what it is once configured.
  return scheduleStub as unknown as pulumi.dynamic.ResourceProvider;
}
