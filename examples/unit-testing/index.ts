import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey } from "@flashbacktech/pulumi";

/** An application's storage settings, built from a Flashback key: what the unit test checks. */
export function storageSettings(repoId: pulumi.Input<string>, app: string) {
  const key = new RepoApiKey(`${app}-storage`, { repoId, name: `${app}-storage`, accessType: "WRITE" });
  return {
    keyId: key.id,
    env: pulumi.all([key.key, key.secret]).apply(([accessKeyId, secretAccessKey]) => ({
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_ENDPOINT_URL_S3: "https://s3-us-east-1-aws.flashback.tech",
    })),
  };
}
