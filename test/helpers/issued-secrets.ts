import { vi } from "vitest";
import type { RunningEmulator } from "../../emulator";

/**
 * Every secret the emulator issues from now on, read where it makes them: the emulator itself keeps
 * only digests, and a test of "no plaintext anywhere" needs the plaintext to look for. Undone by
 * `vi.restoreAllMocks()`.
 */
export function recordIssuedSecrets(emulator: RunningEmulator): string[] {
  const issued: string[] = [];
  const create = emulator.store.create.bind(emulator.store);
  vi.spyOn(emulator.store, "create").mockImplementation((...args) => {
    const made = create(...args);
    issued.push(made.secret);
    return made;
  });
  return issued;
}
