import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials, REPO_API_KEY_TYPE, repoApiKeyMocks, ROTATION_SCHEDULE_TYPE } from "../../provider/testing";
import { RotatingRepoApiKey } from "../../provider/resources/rotating-repo-api-key";

/* The TypeScript RotatingRepoApiKey's two rotation inputs, under Pulumi's mocks: the counter, and the schedule it keeps as a child. */

const registered: pulumi.runtime.MockResourceArgs[] = [];
const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

beforeAll(async () => {
  const mocks = repoApiKeyMocks();
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.push(args);
      return mocks.newResource(args);
    },
    call: mocks.call,
  });
});

describe("RotatingRepoApiKey", () => {
  it("with rotateEveryDays keeps a RotationSchedule child, <name>-schedule, whose rotation the keys follow", async () => {
    const pair = new RotatingRepoApiKey("scheduled", {
      repoId: "r",
      name: "scheduled",
      accessType: "READ",
      rotateEveryDays: 30,
      rotation: 1,
    });
    const currentKeyId = await valueOf(pair.currentKeyId);
    const schedule = registered.find((args) => args.type === ROTATION_SCHEDULE_TYPE);
    expect(schedule).toMatchObject({ name: "scheduled-schedule", inputs: { everyDays: 30, rotation: 1 } });
    // The schedule starts at the counter, 1, which both keys are asked for; b, registered after a and handed a's key, is made newer, and is current.
    const slotB = registered.find((args) => args.type === REPO_API_KEY_TYPE && args.name === "scheduled-b");
    expect(slotB?.inputs).toMatchObject({ name: "scheduled-b", pair: { slot: "b", desired: 1, siblingName: "scheduled-a" } });
    expect((slotB?.inputs.pair as { sibling: { id: string } }).sibling.id).toBe(fakeCredentials("scheduled-a").id);
    expect(currentKeyId).toBe(fakeCredentials("scheduled-b").id);
    expect(await valueOf(pair.previousKeyId)).not.toBe(currentKeyId);
  });

  it("with a counter alone keeps no schedule", async () => {
    registered.length = 0;
    const pair = new RotatingRepoApiKey("counted", { repoId: "r", name: "counted", accessType: "READ", rotation: 0 });
    await valueOf(pair.currentKeyId);
    expect(registered.map((args) => args.type)).not.toContain(ROTATION_SCHEDULE_TYPE);
  });

  it("with encryptTo seals both keys: secrets empty, each encryptedSecret its key's", async () => {
    const pair = new RotatingRepoApiKey("sealed", { repoId: "r", name: "sealed", accessType: "READ", rotation: 0, encryptTo: "age1qqqq" });
    expect([await valueOf(pair.currentSecret), await valueOf(pair.previousSecret)]).toEqual(["", ""]);
    const [current, previous] = [await valueOf(pair.currentEncryptedSecret), await valueOf(pair.previousEncryptedSecret)];
    expect(current).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(previous).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(current).not.toBe(previous);
    expect(registered.filter((args) => args.name.startsWith("sealed-")).map((args) => args.inputs.encryptTo)).toEqual([
      "age1qqqq",
      "age1qqqq",
    ]);
  });

  it("with neither fails naming both inputs", () => {
    expect(() => new RotatingRepoApiKey("neither", { repoId: "r", name: "neither", accessType: "READ" })).toThrow(
      'RotatingRepoApiKey "neither": give rotation (a whole number of at least 0 you raise to rotate) or rotateEveryDays (a schedule, in days); it has neither',
    );
  });
});
