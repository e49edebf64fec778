import { describe, expect, it } from "vitest";
import { fakeCredentials, REPO_API_KEY_TYPE, repoApiKeyMocks, ROTATION_SCHEDULE_TYPE } from "../../provider/testing";

const args = (type: string, name: string, inputs: Record<string, unknown>) => ({ type, name, inputs, custom: true });

describe("repoApiKeyMocks", () => {
  it("answers a RepoApiKey with realistic, stable credentials", () => {
    const mocks = repoApiKeyMocks();
    const first = mocks.newResource(args(REPO_API_KEY_TYPE, "reader", { repoId: "r", name: "reader", accessType: "READ" })) as {
      id: string;
      state: Record<string, unknown>;
    };
    const again = mocks.newResource(args(REPO_API_KEY_TYPE, "reader", { repoId: "r", name: "reader", accessType: "READ" }));
    expect(again).toEqual(first);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.state).toMatchObject({ repoId: "r", name: "reader", accessType: "READ", key: expect.stringMatching(/^FBK[0-9A-F]{20}$/) });
    expect((first.state.secret as string).length).toBe(40);
    expect(fakeCredentials("writer").secret).not.toBe(first.state.secret);
  });

  it("answers a RotationSchedule as a new one by the real rule, at a fixed now", () => {
    expect(repoApiKeyMocks().newResource(args(ROTATION_SCHEDULE_TYPE, "s", { everyDays: 30, rotation: 2 }))).toEqual({
      id: "s-id",
      state: {
        everyDays: 30,
        rotation: 2,
        seenCounter: 2,
        rotatedAt: "2030-01-01T00:00:00.000Z",
        nextRotationAfter: "2030-01-31T00:00:00.000Z",
      },
    });
  });

  it("answers a sealed RepoApiKey as the provider would: secret empty, encryptedSecret in its format's armor, never the fake secret", () => {
    const sealed = (encryptTo: string) =>
      repoApiKeyMocks().newResource(args(REPO_API_KEY_TYPE, "sealed", { repoId: "r", name: "sealed", accessType: "READ", encryptTo })) as {
        state: Record<string, string>;
      };
    const { secret } = fakeCredentials("sealed");
    for (const [encryptTo, armor] of [
      ["age1qqqq", "-----BEGIN AGE ENCRYPTED FILE-----"],
      ["-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP MESSAGE-----"],
    ] as const) {
      const { state } = sealed(encryptTo);
      expect(state).toMatchObject({ secret: "", encryptTo, encryptedSecret: expect.stringMatching(new RegExp(`^${armor}`)) });
      expect(state.encryptedSecret).not.toContain(secret);
    }
  });

  it("hands other resources and calls to the next mocks, or echoes their inputs", () => {
    const next = { newResource: () => ({ id: "bucket-1", state: { arn: "arn:bucket" } }) };
    expect(repoApiKeyMocks(next).newResource(args("aws:s3/bucket:Bucket", "b", {}))).toEqual({
      id: "bucket-1",
      state: { arn: "arn:bucket" },
    });
    expect(repoApiKeyMocks().newResource(args("aws:s3/bucket:Bucket", "b", { x: 1 }))).toEqual({ id: "b-id", state: { x: 1 } });
    expect(repoApiKeyMocks().call({ token: "f", inputs: { y: 2 } } as never)).toEqual({ y: 2 });
  });

  it("leaves a key's encryptTo out of its state unless it is a recipient, as the provider stores no other", () => {
    const state = (encryptTo: unknown) =>
      (
        repoApiKeyMocks().newResource(args(REPO_API_KEY_TYPE, "k", { repoId: "r", name: "k", accessType: "READ", encryptTo })) as {
          state: Record<string, unknown>;
        }
      ).state;
    expect(state(null)).not.toHaveProperty("encryptTo");
    expect(state(undefined)).not.toHaveProperty("encryptTo");
    expect(state("age1example")).toHaveProperty("encryptTo", "age1example");
  });
});
