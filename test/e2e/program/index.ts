import * as pulumi from "@pulumi/pulumi";
import { getRepoApiKeyOutput, getRepoApiKeysOutput, RepoApiKey, RotatingRepoApiKey, type AccessType } from "@flashbacktech/pulumi";
import { LegacyRepoApiKey } from "./legacy-stub";

/*
 * The real-CLI suite's program. Every sequence of the suite is one setting of this stack's config,
 * so a test changes config and runs the real `pulumi` instead of switching programs.
 */
const config = new pulumi.Config();

// `config.get` on purpose: a test leaves repoId unset to see the provider name the missing field.
const repoId = config.get("repoId");
const accessType = (config.get("accessType") ?? "READ") as AccessType;

const keyArgs = {
  repoId: config.getBoolean("repoIdAsNumber") ? (42 as unknown as string) : (repoId as string),
  name: config.get("keyName") ?? "e2e-reader",
  accessType,
};
// `legacyStub`: the key as earlier builds of 0.1.0 registered it, to test upgrades of existing stacks.
const key = config.getBoolean("legacyStub")
  ? new LegacyRepoApiKey("e2e-key", keyArgs)
  : new RepoApiKey("e2e-key", { ...keyArgs, rotateWhenChanged: config.get("rotateWhenChanged") });

export const keyId = key.id;
export const accessKey = key.key;
export const secretKey = key.secret;

// A key whose repoId is known only once another key exists: unknown during the preview of a new stack.
if (config.getBoolean("chained")) {
  const chained = new RepoApiKey("e2e-chained", { repoId: key.id.apply(() => repoId as string), name: "e2e-chained", accessType: "READ" });
  exports.chainedKeyId = chained.id;
}

// Many keys at once, to see the engine's parallelism create each exactly once.
const fleet = Array.from(
  { length: config.getNumber("fleetSize") ?? 0 },
  (_, index) => new RepoApiKey(`e2e-fleet-${index}`, { repoId: repoId as string, name: `e2e-fleet-${index}`, accessType: "READ" }),
);
export const fleetKeyIds = fleet.map((member) => member.id);

const rotation = config.getNumber("rotation");
if (rotation !== undefined) {
  const rotating = new RotatingRepoApiKey("e2e-rotating", { repoId: repoId as string, name: "e2e-rotating", accessType: "READ", rotation });
  exports.currentKeyId = rotating.currentKeyId;
  exports.previousKeyId = rotating.previousKeyId;
}

// The keys of the repository, and this key found by its id: the functions' output forms, run in this process.
if (config.getBoolean("lookup")) {
  exports.listedKeys = getRepoApiKeysOutput({ repoId: repoId as string }).keys;
  exports.foundKey = getRepoApiKeyOutput({ repoId: repoId as string, id: key.id });
}
