import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials, setRepoApiKeyMocks } from "@flashbacktech/pulumi/testing";
import { storageSettings } from "./index";

// A user's unit test: no Flashback, no Pulumi CLI, no network. The mocks give each RepoApiKey a
// realistic key and secret, the same on every run. They must be set before resources are created.
beforeAll(() => setRepoApiKeyMocks());

const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

describe("storageSettings", () => {
  it("hands the key's credentials to the application as S3 settings", async () => {
    const settings = storageSettings("repo-123", "billing");
    const expected = fakeCredentials("billing-storage");
    expect(await valueOf(settings.keyId)).toBe(expected.id);
    expect(await valueOf(settings.env)).toEqual({
      AWS_ACCESS_KEY_ID: expected.key,
      AWS_SECRET_ACCESS_KEY: expected.secret,
      AWS_ENDPOINT_URL_S3: "https://s3-us-east-1-aws.flashback.tech",
    });
  });
});
