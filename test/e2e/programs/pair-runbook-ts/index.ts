import * as pulumi from "@pulumi/pulumi";
import { RotatingRepoApiKey } from "@flashbacktech/pulumi";

const config = new pulumi.Config();
// As README's leak runbook declares it: a revocation is one `pulumi config set revoke <new text>` away.
const partner = new RotatingRepoApiKey("partner", {
  repoId: config.require("repoId"),
  name: "ts-partner",
  accessType: "READ",
  rotateEveryDays: 30,
  revokeWhenChanged: config.get("revoke"),
  revokeKeys: config.get("revokeKeys") as "current" | "previous" | "both" | undefined,
});

export const currentKeyId = partner.currentKeyId;
export const previousKeyId = partner.previousKeyId;
export const currentSecret = partner.currentSecret;
