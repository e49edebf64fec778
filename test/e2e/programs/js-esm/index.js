import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey } from "@flashbacktech/pulumi";

const key = new RepoApiKey("js-esm", { repoId: new pulumi.Config().require("repoId"), name: "js-esm", accessType: "READ" });
export const keyId = key.id;
export const secretKey = key.secret;
