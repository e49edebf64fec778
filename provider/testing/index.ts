import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { pickProperties } from "../definitions/property";
import { REPO_API_KEY } from "../definitions/repo-api-key";
import { newPairKeyOutputs } from "../lifecycle/pair-check";
import { checkSchedule } from "../schedule/rotation-schedule";

/** The type token of `RepoApiKey`, as the mocks see it. */
export const REPO_API_KEY_TYPE = "pulumi-nodejs:dynamic/flashback:RepoApiKey";

/** The type token of `RotationSchedule`, as the mocks see it. */
export const ROTATION_SCHEDULE_TYPE = "pulumi-nodejs:dynamic/flashback:RotationSchedule";

/** The "now" a mock `RotationSchedule` is made at, fixed so that snapshots stay stable. */
export const MOCK_SCHEDULE_NOW = "2030-01-01T00:00:00.000Z";

/**
 * Mocks for `pulumi.runtime.setMocks` that answer every `RepoApiKey` the way Flashback would: an id,
 * a key id like `FBK…` and a 40-character secret, all derived from the resource's name so that they
 * are the same on every run (snapshots stay stable); every `RotationSchedule` as new. Other resources and calls go to `next`, or
 * echo their inputs.
 */
export function repoApiKeyMocks(next?: Partial<pulumi.runtime.Mocks>): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      if (args.type === REPO_API_KEY_TYPE) return fakeRepoApiKey(args);
      // A new schedule, by the real rule: rotation at its counter or 0, started at MOCK_SCHEDULE_NOW.
      if (args.type === ROTATION_SCHEDULE_TYPE)
        return {
          id: `${args.name}-id`,
          state: checkSchedule({}, args.inputs as Record<string, unknown>, Date.parse(MOCK_SCHEDULE_NOW)).inputs,
        };
      return next?.newResource?.(args) ?? { id: `${args.name}-id`, state: args.inputs };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      return next?.call?.(args) ?? args.inputs;
    },
  };
}

/** Installs `repoApiKeyMocks(next)`; call it before the program under test is imported. */
export function setRepoApiKeyMocks(
  next?: Partial<pulumi.runtime.Mocks>,
  options: { project?: string; stack?: string; preview?: boolean } = {},
): Promise<void> {
  return pulumi.runtime.setMocks(repoApiKeyMocks(next), options.project ?? "project", options.stack ?? "stack", options.preview ?? false);
}

/** The fake key and secret a mock `RepoApiKey` named `name` gets. */
export function fakeCredentials(name: string): { id: string; key: string; secret: string } {
  const digest = createHash("sha256").update(`flashback-mock:${name}`).digest();
  const hex = digest.toString("hex");
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
    key: `FBK${hex.slice(0, 20).toUpperCase()}`,
    secret: digest.toString("base64url").slice(0, 40),
  };
}

function fakeRepoApiKey(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
  const { id, key, secret } = fakeCredentials(args.name);
  const inputs = args.inputs as Record<string, unknown>;
  const { encryptTo: _sealedBelow, ...given } = pickProperties(REPO_API_KEY.inputs, inputs);
  const { encryptTo, pair } = inputs;
  const state = { ...given, key, secret, ...(pair === undefined ? {} : newPairKeyOutputs(pair)) };
  if (typeof encryptTo !== "string") return { id, state };
  return { id, state: { ...state, encryptTo, secret: "", encryptedSecret: fakeEncryptedSecret(encryptTo, secret) } };
}

/**
 * What a sealed key's `encryptedSecret` looks like (the armor of its format) without being
 * ciphertext: mocks run synchronously, and a program's unit test only passes the value on.
 */
export function fakeEncryptedSecret(encryptTo: string, secret: string): string {
  const armor = encryptTo.trim().startsWith("age1") ? "AGE ENCRYPTED FILE" : "PGP MESSAGE";
  const body = createHash("sha256").update(`flashback-mock-sealed:${secret}`).digest("base64");
  return `-----BEGIN ${armor}-----\n${body}\n-----END ${armor}-----\n`;
}
