import * as pulumi from "@pulumi/pulumi";
import { ACCESS_TYPES, RepoApiKey } from "@flashbacktech/pulumi";

// The token is not here: the provider reads flashback:accessToken (or FLASHBACK_ACCESS_TOKEN) itself.
const repoId = new pulumi.Config().require("repoId");

const keys = ACCESS_TYPES.map(
  (accessType) => new RepoApiKey(`${accessType.toLowerCase()}-key`, { repoId, name: `basic-${accessType.toLowerCase()}`, accessType }),
);

/** Ids are not secret: they name the keys in Flashback's console. */
export const keyIds = keys.map((key) => key.id);

/** `key` and `secret` are secret outputs: `pulumi stack output` masks them unless asked with --show-secrets. */
export const credentials = keys.map((key) => ({ accessType: key.accessType, key: key.key, secret: key.secret }));
