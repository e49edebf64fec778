import { expect } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { REPO_API_KEY_TOKEN as TYPE } from "../../provider/definitions/tokens";
import { TEST_REPO } from "./emulator-provider";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/**
 * Plain values a program gives only as secrets (`pulumi config set --secret`): none of them may
 * appear in the state or in anything the CLI prints, whatever the command.
 */
/** The id of the key a program adopts with the `import` resource option (YAML takes only a literal there). */
export const ADOPTED_KEY_ID = "5a1e0d0c-0000-4000-8000-00000000ad0b";

export const SECRET_VALUES = {
  hiddenName: "hidden-key-5ecret-name-a1",
  renamed: "hidden-key-5ecret-name-b2",
  hiddenRotation: "rotation-5ecret-2027-c3",
  adoptName: "adopted-key-5ecret-name-d4",
} as const;

/**
 * A key inside a component (or under another key) whose name and rotation trigger are secrets, and
 * an existing key adopted with the `import` resource option under a secret name, through `up`, a
 * rename, `refresh` and the adoption: each checked in the export and in all the CLI printed.
 * The program declares them from the config `hiddenName`, `hiddenRotation`, `adoptId` (always
 * `repo-test/ADOPTED_KEY_ID`) and `adoptName`.
 * `upFlags` go to the first `up` (engine flags that move the plugin's address).
 */
export async function exerciseSecretShapes(
  stack: CliStack,
  emulator: RunningEmulator,
  options: { childType: string; upFlags?: string[] },
): Promise<void> {
  const printedBefore = stack.printed.length;
  const adopt = emulator.store.create(TEST_REPO, SECRET_VALUES.adoptName, "READ", { id: ADOPTED_KEY_ID });
  await stack.setConfig({ adoptId: `${TEST_REPO}/${ADOPTED_KEY_ID}` });
  await stack.setConfig(
    { hiddenName: SECRET_VALUES.hiddenName, hiddenRotation: SECRET_VALUES.hiddenRotation, adoptName: SECRET_VALUES.adoptName },
    true,
  );

  const first = await stack.succeed("up", ...UNATTENDED, ...(options.upFlags ?? []));
  expect(first.output, "the adoption's warning reaches the CLI").toMatch(/imported without its secret/);
  const keys = keysInState(await stack.exportState(), TYPE);
  const hidden = keys.find((resource) => resource.type === TYPE && resource.urn.includes(`::${options.childType}$${TYPE}::`));
  expect(hidden, `a key whose URN has the parent chain ${options.childType}$${TYPE}`).toBeDefined();
  expect(emulator.store.get(TEST_REPO, hidden?.id as string)?.name).toBe(SECRET_VALUES.hiddenName);
  expect(keys.find((resource) => resource.urn.endsWith("::adopted"))?.id).toBe(adopt.stored.id);
  await expectNowhere(stack, printedBefore, [SECRET_VALUES.hiddenName, SECRET_VALUES.hiddenRotation, SECRET_VALUES.adoptName]);

  emulator.requests.length = 0;
  await stack.setConfig({ hiddenName: SECRET_VALUES.renamed }, true);
  await stack.succeed("up", ...UNATTENDED);
  expect(emulator.requests.filter((request) => request.method !== "GET").map((request) => `${request.method} ${request.path}`)).toEqual([
    `PUT /repo/${TEST_REPO}/apikey/${hidden?.id}`,
  ]);
  expect(emulator.store.get(TEST_REPO, hidden?.id as string)?.name).toBe(SECRET_VALUES.renamed);

  await stack.succeed("refresh", ...UNATTENDED);
  expect((await stack.outputs(true)).hiddenKeyName).toBe(SECRET_VALUES.renamed);
  await expectNowhere(stack, printedBefore, Object.values(SECRET_VALUES));
}

/** None of `values` in the state export (secrets as ciphertext) nor in what the CLI printed since `printedBefore`, `--show-secrets` aside. */
export async function expectNowhere(stack: CliStack, printedBefore: number, values: readonly string[]): Promise<void> {
  const exported = JSON.stringify(await stack.exportState());
  const printed = stack.printed
    .slice(printedBefore)
    .filter((command) => !command.args.includes("--show-secrets"))
    .map((command) => command.output)
    .join("\n");
  for (const value of values) {
    expect(exported, `"${value}" in the state export`).not.toContain(value);
    expect(printed, `"${value}" in what the CLI printed`).not.toContain(value);
  }
}
