import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey } from "@flashbacktech/pulumi";

const config = new pulumi.Config();
const key = new RepoApiKey("e2e-key", { repoId: config.require("repoId"), name: config.require("keyName"), accessType: "READ" });

export const keyId = key.id;
export const accessKey = key.key;
export const secretKey = key.secret;
