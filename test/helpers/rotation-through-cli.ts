import { expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { SECRET_SIG } from "../../provider/engine/pulumi-protocol";
import { ROTATING_REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { DAY_MS } from "../../provider/utils/time-units";
import { TEST_NOW_ENV } from "../../provider/schedule/schedule-now";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { expectNowhere } from "./secret-shapes";

/*
 * RotatingRepoApiKey through the real CLI, in any language: with the config `rotation` set, a
 * program declares the component `rotating` (base name `<language>-rotating`, `rotateEveryDays: 30`,
 * the counter `rotation` from the config) and exports its six
 * outputs as rotatingCurrentKeyId, rotatingCurrentKey, rotatingCurrentSecret and the three previous ones;
 * and a RotationSchedule alone (`everyDays: 30`), its rotation exported as scheduleRotation.
 */

type Credentials = { keyId: string; key: string; secret: string };

async function credentials(stack: CliStack): Promise<{ current: Credentials; previous: Credentials }> {
  const outputs = await stack.outputs(true);
  const of = (which: "Current" | "Previous"): Credentials => ({
    keyId: outputs[`rotating${which}KeyId`] as string,
    key: outputs[`rotating${which}Key`] as string,
    secret: outputs[`rotating${which}Secret`] as string,
  });
  return { current: of("Current"), previous: of("Previous") };
}

/**
 * Rotation 0, then 1 and 2 by the counter, then 3 by the schedule a month later: each `up` replaces
 * exactly the older key, and the former current one stays valid as previous.
 */
export async function expectRotationsThroughCli(
  stack: CliStack,
  emulator: RunningEmulator,
  options: { repoId: string; baseName: string; up: () => Promise<{ stdout: string }> },
): Promise<void> {
  const { repoId, baseName, up } = options;
  const printedBefore = stack.printed.length;
  const valid = (credential: Credentials) => emulator.store.isSecretOf(credential.keyId, credential.secret);
  const slotNames = () =>
    emulator.store
      .allKeys()
      .filter((key) => key.name.startsWith(`${baseName}-`))
      .map((key) => key.name)
      .sort();

  await stack.setConfig({ rotation: "0" });
  const first = await up();
  expect(first.stdout).toMatch(/rotatingCurrentSecret\s*: \[secret\]/);
  let before = await credentials(stack);
  expect(slotNames()).toEqual([`${baseName}-a`, `${baseName}-b`]);
  // A new pair's b, made after a, is the newer key: each rotation then replaces a, b, a, ... in turn.
  expect(emulator.store.get(repoId, before.current.keyId)?.name).toBe(`${baseName}-b`);
  expect([valid(before.current), valid(before.previous)]).toEqual([true, true]);

  const rotateOnce = async (slotNow: "a" | "b", deploy: () => Promise<unknown>) => {
    emulator.requests.length = 0;
    await deploy();
    const after = await credentials(stack);
    // The former current key is now previous, and still works; the former previous one is gone.
    expect(after.previous).toEqual(before.current);
    expect(valid(after.previous)).toBe(true);
    expect(valid(after.current)).toBe(true);
    expect(emulator.store.get(repoId, before.previous.keyId)).toBeUndefined();
    expect(emulator.store.get(repoId, after.current.keyId)?.name).toBe(`${baseName}-${slotNow}`);
    const deletes = emulator.requests.filter((request) => request.method === "DELETE").map((request) => request.path);
    expect(deletes).toEqual([`/repo/${repoId}/apikey/${before.previous.keyId}`]);
    expect(slotNames()).toEqual([`${baseName}-a`, `${baseName}-b`]);
    before = after;
  };
  // Two rotations by the counter, raised by hand...
  for (const rotation of [1, 2]) {
    await rotateOnce(rotation % 2 === 0 ? "b" : "a", async () => {
      await stack.setConfig({ rotation: String(rotation) });
      await up();
    });
  }
  // ...and one by the schedule (rotateEveryDays: 30): 31 days on, nobody raising a number.
  const monthOn = { env: { [TEST_NOW_ENV]: new Date(Date.now() + 31 * DAY_MS).toISOString() } };
  expect((await stack.outputs()).scheduleRotation).toBe(0);
  await rotateOnce("a", () => stack.succeedWith(["up", ...UNATTENDED], monthOn));
  expect((await stack.outputs()).scheduleRotation).toBe(1);
  await stack.succeedWith(["preview", "--expect-no-changes", "--non-interactive"], monthOn);

  // Key ids and secrets are secret in the component's stored outputs; no plaintext in the state.
  const state = await stack.exportState();
  const component = state.resources?.find((resource) => resource.type === ROTATING_REPO_API_KEY_TOKEN);
  for (const field of ["currentKey", "currentSecret", "previousKey", "previousSecret"]) {
    expect(component?.outputs?.[field], field).toMatchObject({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });
  }
  const plaintexts = [before.current, before.previous]
    .flatMap((credential) => [credential.secret, credential.key])
    .filter((value) => value !== "");
  await expectNowhere(stack, printedBefore, plaintexts);
}
