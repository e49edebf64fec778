import { expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { newReservationName } from "../../provider/lifecycle/reservation";
import type { CliResult, CliStack } from "../../testkit/pulumi-cli-stack";
import { ABANDONED_AGE_MS } from "./emulator-provider";

/*
 * The functions getRepoApiKeys and getRepoApiKey through the real CLI, in any language: every
 * program declares its key `reader` and, with the config `lookup` set, exports `listedKeys` (the
 * keys of its repository, from the output form of getRepoApiKeys) and `foundKey` (getRepoApiKey
 * of the reader, by its name or its id, an output of the reader). The emulator knows every secret it issued.
 * The reader exists before: the first write of a deployment sweeps the leftover this plants.
 */

type Listed = Record<string, unknown>;

/** A key made by hand in the console and a leftover reservation, beside the program's own: a repository as a security team finds it. */
export function plantStrangers(
  emulator: RunningEmulator,
  repoId: string,
): { handMade: string; leftover: string; secrets: Map<string, string> } {
  const handMade = emulator.store.create(repoId, "made-by-hand", "WRITE");
  const leftover = emulator.store.create(repoId, newReservationName("0123456789ab", 20_000), "READ", {
    createdAt: new Date(Date.now() - ABANDONED_AGE_MS),
  });
  return {
    handMade: handMade.stored.id,
    leftover: leftover.stored.id,
    secrets: new Map([
      [handMade.stored.id, handMade.secret],
      [leftover.stored.id, leftover.secret],
    ]),
  };
}

/** Every string anywhere in a value: where a secret could hide. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * Runs `up` with the lookups on and checks what the program exported: every key of the repository
 * with its fields, the leftover marked, the reader found by its name, and no secret of any key in
 * the results, the stack's export or anything the CLI printed. Leaves the lookups off again.
 */
export async function expectLookupsThroughCli(
  stack: CliStack,
  emulator: RunningEmulator,
  up: () => Promise<CliResult>,
  repoId: string,
): Promise<void> {
  const strangers = plantStrangers(emulator, repoId);
  await stack.setConfig({ lookup: "true" });
  try {
    await up();
    const outputs = await stack.outputs(true);
    const readerSecret = outputs.secretKey as string;
    const keyId = outputs.keyId as string;
    const listed = outputs.listedKeys as Listed[];
    expect(listed.map((key) => key.id).sort()).toEqual(
      emulator.store
        .list(repoId)
        .map((key) => key.id)
        .sort(),
    );
    for (const key of listed) {
      const stored = emulator.store.get(repoId, key.id as string);
      expect(key).toMatchObject({
        repoId,
        name: stored?.name,
        accessType: stored?.accessType,
        key: stored?.key,
        createdAt: expect.any(String),
      });
      expect(key).toMatchObject(
        key.id === strangers.leftover
          ? { isReservation: true, reservationState: "abandoned" }
          : { isReservation: false, reservationState: "not-a-reservation" },
      );
      expect(key).not.toHaveProperty("secret");
    }
    expect(outputs.foundKey).toEqual(listed.find((key) => key.id === keyId));

    const results = stringsIn([outputs.listedKeys, outputs.foundKey]);
    for (const text of results) {
      expect(emulator.store.isSecretOf(keyId, text)).toBe(false);
      for (const [id] of strangers.secrets) expect(emulator.store.isSecretOf(id, text)).toBe(false);
    }
    expect(results).not.toContain(readerSecret);
    // Not --show-secrets: that export holds the provider's own token by design. The results are plain, so a leak would show.
    const exported = JSON.stringify(await stack.exportState());
    const printed = stack.printed.map((command) => command.output).join("\n");
    for (const secret of strangers.secrets.values()) {
      expect(exported).not.toContain(secret);
      expect(printed).not.toContain(secret);
    }
  } finally {
    await stack.removeConfig("lookup");
    for (const id of [strangers.handMade, strangers.leftover]) emulator.store.delete(repoId, id);
  }
}
