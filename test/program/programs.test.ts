import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TYPE } from "../../provider/testing";
import { isSecret, type Props } from "../../testkit/engine/pulumi-internals";
import type { RunResult } from "../../testkit/engine/mini-engine";
import { startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { engineFor } from "../helpers/example-engine";
import { STUB_BUDGET_BYTES } from "../../provider/dynamic/stub";

/*
 * Programs run by the real program runner against the mini engine: what the engine would receive
 * from a user's program, and what it would keep.
 */

const RESOURCE_TYPE = REPO_API_KEY_TYPE;
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const keyRegistrations = (result: RunResult) => result.registrations.filter((registration) => registration.type === RESOURCE_TYPE);

describe.each([
  { language: "TypeScript", options: { example: "basic", typescript: true } },
  { language: "JavaScript", options: { main: "test/program/fixtures/own-secrets.js", typescript: false } },
])("a $language program", ({ options }) => {
  let preview: RunResult;
  let up: RunResult;
  let requestsDuringPreview: number;
  beforeAll(async () => {
    emulator.reset();
    const engine = engineFor(emulator, options);
    preview = await engine.preview();
    requestsDuringPreview = emulator.requests.length;
    up = await engine.up();
    await engine.destroy();
  });

  it("registers RepoApiKey under its type token", () => {
    expect(keyRegistrations(up).length).toBeGreaterThan(0);
  });

  it("sends no request to Flashback during preview (--dry-run)", () => {
    expect(keyRegistrations(preview).length).toBeGreaterThan(0);
    expect(requestsDuringPreview).toBe(0);
  });

  it("registers key and secret as additional secret outputs, merged with the user's own", () => {
    for (const registration of keyRegistrations(up)) {
      expect(registration.additionalSecretOutputs).toEqual(expect.arrayContaining(["key", "secret"]));
    }
    if (options.main?.endsWith("own-secrets.js")) {
      expect(keyRegistrations(up)[0]?.additionalSecretOutputs).toEqual(["name", "key", "secret"]);
    }
  });

  it("keeps the token out of the registered inputs, out of __provider, and __provider under 3,000 bytes", () => {
    for (const registration of up.registrations) {
      expect(JSON.stringify(registration.object)).not.toContain(TEST_TOKEN);
    }
    for (const registration of keyRegistrations(up)) {
      const serialized = registration.object.__provider as string;
      expect(Buffer.byteLength(serialized)).toBeLessThanOrEqual(STUB_BUDGET_BYTES);
      expect(serialized).not.toContain(emulator.url);
    }
    expect(up.programOutput).not.toContain(TEST_TOKEN);
    expect(up.providerStderr).not.toContain(TEST_TOKEN);
  });

  it("marks stack outputs built from key and secret as secret", () => {
    const outputs = Object.values(up.stackOutputs);
    const secretLeaves = collectLeaves(outputs).filter((leaf) => leaf.secret);
    expect(secretLeaves.length).toBeGreaterThan(0);
    for (const key of emulator.store.allKeys()) expect(JSON.stringify(plainLeaves(outputs))).not.toContain(key.key);
  });
});

describe("the basic example", () => {
  it("creates one key per access level, and destroy removes them all", async () => {
    const engine = engineFor(emulator);
    await engine.up();
    expect(
      emulator.store
        .list(TEST_REPO)
        .map((key) => key.accessType)
        .sort(),
    ).toEqual(["ADMIN", "READ", "WRITE"]);
    await engine.destroy();
    expect(emulator.store.allKeys()).toHaveLength(0);
  });
});

/** Every leaf value, and whether a secret wrapper encloses it. */
function collectLeaves(value: unknown, secret = false): Array<{ value: unknown; secret: boolean }> {
  if (isSecret(value)) return collectLeaves(value.value, true);
  if (Array.isArray(value)) return value.flatMap((item) => collectLeaves(item, secret));
  if (typeof value === "object" && value !== null) return Object.values(value as Props).flatMap((item) => collectLeaves(item, secret));
  return [{ value, secret }];
}

function plainLeaves(value: unknown): unknown[] {
  return collectLeaves(value)
    .filter((leaf) => !leaf.secret)
    .map((leaf) => leaf.value);
}
