import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { InputError } from "../../provider/errors/input-error";
import { getRepoApiKey, getRepoApiKeys, getRepoApiKeysOutput } from "../../provider/index";
import { selectKey, type ListedRepoApiKey } from "../../provider/lifecycle/key-lookup";
import { startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";

/*
 * The TypeScript functions as a program's process runs them (provider/functions): settings from the
 * stack config `flashback:*` when the program has it, else the environment, as the dynamic
 * resource reads them; and the lookup's choice of one key among any.
 */

let emulator: RunningEmulator;

function stubEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value);
}

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator?.close();
});

beforeEach(() => {
  emulator.store.clear([TEST_REPO]);
  // In place: the lifecycle holds the process's environment object, as it does in a program.
  vi.unstubAllEnvs();
  pulumi.runtime.setAllConfig({});
});

describe("getRepoApiKeys and getRepoApiKey in a program's process", () => {
  it("read the environment when the program has no stack config, and answer no secret", async () => {
    const { stored, secret } = emulator.store.create(TEST_REPO, "ci-reader", "READ");
    stubEnv({ FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TEST_TOKEN });
    const listed = await getRepoApiKeys({ repoId: TEST_REPO });
    expect(listed).toEqual({
      repoId: TEST_REPO,
      keys: [expect.objectContaining({ id: stored.id, name: "ci-reader", key: stored.key, isReservation: false })],
    });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await getRepoApiKey({ repoId: TEST_REPO, name: "ci-reader" })).toEqual(listed.keys[0]);
    const fromOutput = await new Promise((resolve) => getRepoApiKeysOutput({ repoId: pulumi.output(TEST_REPO) }).apply(resolve));
    expect(fromOutput).toEqual(listed);
  });

  it("prefer the stack config flashback:* over the environment, as the dynamic resource does", async () => {
    emulator.store.create(TEST_REPO, "ci-reader", "READ");
    // The wrong endpoint would fail within the short deadline, not hang.
    stubEnv({ FLASHBACK_API_URL: "http://127.0.0.1:9", FLASHBACK_ACCESS_TOKEN: "wrong", FLASHBACK_OPERATION_TIMEOUT: "3" });
    pulumi.runtime.setConfig("flashback:apiUrl", emulator.url);
    pulumi.runtime.setConfig("flashback:accessToken", TEST_TOKEN);
    expect((await getRepoApiKeys({ repoId: TEST_REPO })).keys).toEqual([expect.objectContaining({ name: "ci-reader" })]);
  });

  it("refuse both or neither of id and name, naming the field, before any request", async () => {
    emulator.requests.length = 0;
    await expect(getRepoApiKey({ repoId: TEST_REPO, id: "a", name: "b" } as never)).rejects.toThrow(
      "Invalid getRepoApiKey arguments: id and name are both given",
    );
    await expect(getRepoApiKey({ repoId: TEST_REPO } as never)).rejects.toThrow("id or name is required");
    expect(emulator.requests).toEqual([]);
  });
});

describe("selectKey", () => {
  const keyOf = ([id, name]: [string, string]): ListedRepoApiKey => ({
    repoId: TEST_REPO,
    id,
    name,
    accessType: "READ",
    key: "",
    isReservation: false,
    reservationState: "not-a-reservation",
  });

  it("answers the one key of a name, and fails naming `name` for none or several", () => {
    const names = fc.constantFrom("a", "b", "c");
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.uuid(), names), { selector: ([id]) => id, maxLength: 6 }), names, (entries, wanted) => {
        const keys = entries.map(keyOf);
        const matching = keys.filter((key) => key.name === wanted);
        if (matching.length === 1) {
          expect(selectKey(keys, { repoId: TEST_REPO, name: wanted })).toBe(matching[0]);
          return;
        }
        try {
          selectKey(keys, { repoId: TEST_REPO, name: wanted });
          expect.unreachable("a lookup of none or several keys must fail");
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).failures.map((failure) => failure.property)).toEqual(["name"]);
          expect((error as InputError).message).toContain(matching.length === 0 ? "names no API key" : `names ${matching.length} API keys`);
        }
      }),
    );
  });
});
