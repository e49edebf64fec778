import { inspect } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { RepoApiKeyLifecycle, RepoApiKeyProvider, type LifecycleOptions } from "../../provider/lifecycle-entry";
import { newReservationName } from "../../provider/lifecycle/reservation";
import { CliStack, type CliStackOptions } from "../../testkit/pulumi-cli-stack";

/** A recognisable token: every leak test searches for it. */
export const TEST_TOKEN = "tok-SECRET-4f9d2a7c-never-print-me";
export const TEST_REPO = "repo-test";

export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ repos: [TEST_REPO, "repo-other"], accessTokens: [TEST_TOKEN], forbiddenRepos: ["repo-forbidden"], ...options });
}

/** The dynamic front on a lifecycle pointed at the emulator (`lifecycleFor`). */
export function providerFor(emulator: RunningEmulator, env: NodeJS.ProcessEnv = {}, options: LifecycleOptions = {}): RepoApiKeyProvider {
  return new RepoApiKeyProvider(lifecycleFor(emulator, env, options));
}

/** A lifecycle pointed at the emulator through the environment, as a user's shell would set it; retries are quick. */
export function lifecycleFor(emulator: RunningEmulator, env: NodeJS.ProcessEnv = {}, options: LifecycleOptions = {}): RepoApiKeyLifecycle {
  return new RepoApiKeyLifecycle({
    env: {
      FLASHBACK_API_URL: emulator.url,
      FLASHBACK_ACCESS_TOKEN: TEST_TOKEN,
      FLASHBACK_OPERATION_TIMEOUT: "20",
      ...env,
    },
    random: () => 0,
    ...options,
  });
}

/**
 * A key under a reservation name, as a create that never finished leaves it, made `ageMs` ago
 * (planted: the emulator stamps it, as Flashback would have then) by a create that had `lifetimeMs`.
 */
export function plantReservation(
  emulator: RunningEmulator,
  options: { repoId?: string; ageMs: number; lifetimeMs?: number; scope?: string },
): string {
  const name = newReservationName(options.scope ?? "0123456789ab", options.lifetimeMs ?? 20_000);
  return emulator.store.create(options.repoId ?? TEST_REPO, name, "READ", { createdAt: new Date(Date.now() - options.ageMs) }).stored.id;
}

/** Older than any reservation's lifetime and margin: a leftover every sweep may take. */
export const ABANDONED_AGE_MS = 3_600_000;

/** The ids of the keys Flashback holds in a repository, sorted. */
export function keyIdsIn(emulator: RunningEmulator, repoId: string = TEST_REPO): string[] {
  return emulator.store
    .list(repoId)
    .map((key) => key.id)
    .sort();
}

/** Every text a thrown error can show: message, stack, inspect and JSON. */
export function everythingPrinted(error: unknown): string {
  const asError = error as Error;
  return [asError.message, asError.stack ?? "", inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)].join("\n");
}

/** A real-CLI stack pointed at the emulator: the test repository in its config, the token as a secret. */
export async function cliStackOnEmulator(
  emulator: RunningEmulator,
  options: Omit<CliStackOptions, "env"> & { env?: NodeJS.ProcessEnv; config?: Record<string, string> },
): Promise<CliStack> {
  const stack = await CliStack.create({ ...options, env: { FLASHBACK_API_URL: emulator.url, ...options.env } });
  await stack.setConfig({ repoId: TEST_REPO, ...options.config });
  await stack.setConfig({ "flashback:accessToken": TEST_TOKEN }, true);
  return stack;
}

/**
 * A real-CLI suite's emulator and one stack on it: made before the suite's tests, handed to `use`
 * (which keeps them in the suite's own variables), removed after them.
 */
export function stackOnEmulatorPerSuite(
  options: Parameters<typeof cliStackOnEmulator>[1],
  use: (made: { emulator: RunningEmulator; stack: CliStack }) => void,
): void {
  let made: { emulator: RunningEmulator; stack?: CliStack } | undefined;
  beforeAll(async () => {
    made = { emulator: await startTestEmulator() };
    made.stack = await cliStackOnEmulator(made.emulator, options);
    use({ emulator: made.emulator, stack: made.stack });
  });
  afterAll(async () => {
    await made?.stack?.dispose();
    await made?.emulator.close();
  });
}
