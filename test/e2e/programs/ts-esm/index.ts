import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey } from "@flashbacktech/pulumi";

const key = new RepoApiKey("ts-esm", { repoId: new pulumi.Config().require("repoId"), name: "ts-esm", accessType: "READ" });
export const keyId = key.id;
export const secretKey = key.secret;
