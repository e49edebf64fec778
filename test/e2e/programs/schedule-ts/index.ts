import * as pulumi from "@pulumi/pulumi";
import { RotatingRepoApiKey, RotationSchedule } from "@flashbacktech/pulumi";

const config = new pulumi.Config();
const schedule = new RotationSchedule("schedule", { everyDays: config.getNumber("everyDays") ?? 30 });
// The schedule's number drives the pair: each step replaces the older key only.
const pair = new RotatingRepoApiKey("pair", {
  repoId: config.require("repoId"),
  name: "scheduled",
  accessType: "READ",
  rotation: schedule.rotation,
});

export const rotation = schedule.rotation;
export const rotatedAt = schedule.rotatedAt;
export const nextRotationAfter = schedule.nextRotationAfter;
export const currentKeyId = pair.currentKeyId;
export const previousKeyId = pair.previousKeyId;
