import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey } from "@flashbacktech/pulumi";

// Each key's recipient is a file the test writes: an `age1…` line, or `gpg --armor --export`'s key.
const config = new pulumi.Config();
const repoId = config.require("repoId");
const recipient = (file: string): string => readFileSync(config.require(file), "utf8");

const ageKey = new RepoApiKey("age-key", { repoId, name: "sealed-age", accessType: "READ", encryptTo: recipient("ageRecipientFile") });
const pgpKey = new RepoApiKey("pgp-key", { repoId, name: "sealed-pgp", accessType: "READ", encryptTo: recipient("pgpKeyFile") });

// A key left plain, for the test of requireEncryptTo.
if (config.getBoolean("withPlainKey")) new RepoApiKey("plain-key", { repoId, name: "plain", accessType: "READ" });

export const ageKeyId = ageKey.id;
export const ageEncryptedSecret = ageKey.encryptedSecret;
export const ageSecret = ageKey.secret;
export const pgpKeyId = pgpKey.id;
export const pgpEncryptedSecret = pgpKey.encryptedSecret;
export const pgpSecret = pgpKey.secret;
