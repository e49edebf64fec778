import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey } from "@flashbacktech/pulumi";

// Before the move: the key on the dynamic resource, pulumi-nodejs:dynamic/flashback:RepoApiKey.
const reader = new RepoApiKey("reader", { repoId: new pulumi.Config().require("repoId"), name: "migrated-reader", accessType: "READ" });

export const keyId = reader.id;
