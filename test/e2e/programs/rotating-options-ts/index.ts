import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey, RotatingRepoApiKey } from "@flashbacktech/pulumi";

// One component per resource option, beside a plain key: the suite reads which options reach the keys.
const repoId = new pulumi.Config().require("repoId");
const pair = (name: string, rotation: { rotation: number } | { rotateEveryDays: number }, opts: pulumi.ComponentResourceOptions) =>
  new RotatingRepoApiKey(name, { repoId, name: `rotating-options-${name}`, accessType: "READ", ...rotation }, opts);

const plain = new RepoApiKey("plain", { repoId, name: "rotating-options-plain", accessType: "READ" });
const retained = pair("retained", { rotation: 0 }, { retainOnDelete: true });
pair("protected", { rotation: 0 }, { protect: true });
pair("timed", { rotateEveryDays: 30 }, { customTimeouts: { create: "7m", update: "8m", delete: "9m" } });
pair("withPlain", { rotation: 0 }, { deletedWith: plain });

export const retainedCurrentSecret = retained.currentSecret;
export const plainSecret = plain.secret;
