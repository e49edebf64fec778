import * as pulumi from "@pulumi/pulumi";
import { RepoApiKey, RotatingRepoApiKey, rotationNumber } from "@flashbacktech/pulumi";

const config = new pulumi.Config();
const repoId = config.require("repoId");

// The rotation number: a counter raised by hand (`pulumi config set rotation 5`), or, without one,
// a 30-day schedule that moves on by itself at the first `pulumi up` of each period.
const rotation = config.getNumber("rotation") ?? rotationNumber({ everyDays: 30 });

// 1. Replacement on a schedule, for consumers inside this stack: a new key is created, everything
//    that uses `app.key`/`app.secret` is updated, and only then is the old key deleted.
const app = new RepoApiKey("app", { repoId, name: "app", accessType: "WRITE", rotateWhenChanged: `rotation ${rotation}` });

// 2. Rotation with overlap, for consumers outside the stack that reload credentials on their own
//    schedule: two keys take turns, and the previous one keeps working for a whole period.
const partner = new RotatingRepoApiKey("partner", { repoId, name: "partner", accessType: "READ", rotation });

export const rotationInForce = rotation;
export const appKeyId = app.id;
export const appCredentials = { key: app.key, secret: app.secret };
export const partnerCurrent = { keyId: partner.currentKeyId, key: partner.currentKey, secret: partner.currentSecret };
export const partnerPrevious = { keyId: partner.previousKeyId, key: partner.previousKey, secret: partner.previousSecret };
