import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { isSecret, type Props } from "../../testkit/engine/pulumi-internals";
import { startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { engineFor } from "../helpers/example-engine";
import type { MiniEngine, ProviderCall } from "../../testkit/engine/mini-engine";

/* The rotation example through the mini engine, across three rotations (0 -> 1 -> 2 -> 3). */

interface Credentials {
  keyId: string;
  key: string;
  secret: string;
}
interface Rotation {
  appKeyId: string;
  current: Credentials;
  previous: Credentials;
  secretFields: string[];
  keysInFlashback: Array<{ id: string; name: string }>;
  calls: ProviderCall[];
}

let emulator: RunningEmulator;
let engine: MiniEngine;
const rotations: Rotation[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
  engine = engineFor(emulator, { example: "rotation" });
  for (const rotation of [0, 1, 2, 3]) {
    engine.options.config = { ...engine.options.config, "flashback-test:rotation": String(rotation) };
    const callsBefore = engine.calls.length;
    const { stackOutputs } = await engine.up();
    rotations.push({
      appKeyId: stackOutputs.appKeyId as string,
      current: unwrap(stackOutputs.partnerCurrent) as Credentials,
      previous: unwrap(stackOutputs.partnerPrevious) as Credentials,
      secretFields: secretPaths(stackOutputs),
      keysInFlashback: emulator.store.list(TEST_REPO).map(({ id, name }) => ({ id, name })),
      calls: engine.calls.slice(callsBefore),
    });
  }
});
afterAll(async () => {
  await engine.destroy();
  expect(emulator.store.allKeys()).toHaveLength(0);
  await emulator.close();
});

describe("RotatingRepoApiKey across three rotations", () => {
  it("keeps exactly two partner keys in Flashback at every step", () => {
    for (const rotation of rotations) {
      expect(
        rotation.keysInFlashback
          .filter((key) => key.name.startsWith("partner-"))
          .map((key) => key.name)
          .sort(),
      ).toEqual(["partner-a", "partner-b"]);
    }
  });

  it("gives a whole period of overlap: each current key is the next rotation's previous key, secret and all", () => {
    for (let step = 1; step < rotations.length; step += 1) {
      expect(rotations[step]?.previous).toEqual(rotations[step - 1]?.current);
      expect(rotations[step]?.current.keyId).not.toBe(rotations[step - 1]?.current.keyId);
    }
  });

  it("replaces the older key at each rotation, and it is gone from Flashback", () => {
    for (let step = 1; step < rotations.length; step += 1) {
      const retired = rotations[step - 1]?.previous.keyId;
      expect(rotations[step]?.keysInFlashback.map((key) => key.id)).not.toContain(retired);
    }
  });

  it("creates the replacement before deleting the retired key", () => {
    for (const rotation of rotations.slice(1)) {
      const partnerCalls = rotation.calls.filter((call) => call.urn.endsWith("::partner-a") || call.urn.endsWith("::partner-b"));
      const createIndex = partnerCalls.findIndex((call) => call.method === "create");
      const deleteIndex = partnerCalls.findIndex((call) => call.method === "delete");
      expect(createIndex).toBeGreaterThanOrEqual(0);
      expect(deleteIndex).toBeGreaterThan(createIndex);
      expect(partnerCalls.filter((call) => call.method === "create")).toHaveLength(1);
    }
  });

  it("marks every key and secret output secret", () => {
    for (const rotation of rotations) {
      expect(rotation.secretFields).toEqual(
        expect.arrayContaining([
          "appCredentials.key",
          "appCredentials.secret",
          "partnerCurrent.key",
          "partnerCurrent.secret",
          "partnerPrevious.key",
          "partnerPrevious.secret",
        ]),
      );
    }
  });
});

describe("a RepoApiKey with rotateWhenChanged", () => {
  it("is replaced at each rotation, leaving one key in Flashback", () => {
    const ids = rotations.map((rotation) => rotation.appKeyId);
    expect(new Set(ids).size).toBe(rotations.length);
    for (const rotation of rotations) expect(rotation.keysInFlashback.filter((key) => key.name === "app")).toHaveLength(1);
  });
});

function unwrap(value: unknown): unknown {
  if (isSecret(value)) return unwrap(value.value);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value as Props).map(([key, field]) => [key, unwrap(field)]));
  return value;
}

/** Dotted paths of the values that are secret (a secret object counts as its own path). */
function secretPaths(value: unknown, path = ""): string[] {
  if (isSecret(value)) return [path];
  if (typeof value === "object" && value !== null) {
    return Object.entries(value as Props).flatMap(([key, field]) => secretPaths(field, path === "" ? key : `${path}.${key}`));
  }
  return [];
}
