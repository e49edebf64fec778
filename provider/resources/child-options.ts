import type * as pulumi from "@pulumi/pulumi";
import { REPO_API_KEY } from "../definitions/repo-api-key";
import { ROTATING_REPO_API_KEY } from "../definitions/rotating-repo-api-key";

/**
 * A component's fields that its keys take as they are, and so the only ones a component's
 * `ignoreChanges` and `replaceOnChanges` can name for them; `rotation` and `rotateEveryDays` become
 * each key's `rotateWhenChanged`, which ignoring would stop rotating.
 */
export const FIELDS_KEYS_SHARE: readonly string[] = Object.keys(ROTATING_REPO_API_KEY.inputs).filter((name) => name in REPO_API_KEY.inputs);

/**
 * The options of a component's key: those the program gave the component that mean something for
 * a key in Flashback, set on the key itself. The engine's own inheritance of `retainOnDelete` and
 * `deletedWith` varies with its version, and `customTimeouts` are never inherited.
 */
export function keyOptions(parent: pulumi.Resource, opts: pulumi.ComponentResourceOptions = {}): pulumi.CustomResourceOptions {
  const shared = (fields: string[] | undefined) => fields?.filter((field) => FIELDS_KEYS_SHARE.includes(field));
  return definedOnly({
    parent,
    protect: opts.protect,
    retainOnDelete: opts.retainOnDelete,
    deletedWith: opts.deletedWith,
    customTimeouts: opts.customTimeouts,
    ignoreChanges: shared(opts.ignoreChanges),
    replaceOnChanges: shared(opts.replaceOnChanges),
  });
}

/** The options of a component's `RotationSchedule`: it holds nothing in Flashback, so only `protect` means something for it. */
export function scheduleOptions(parent: pulumi.Resource, opts: pulumi.ComponentResourceOptions = {}): pulumi.CustomResourceOptions {
  return definedOnly({ parent, protect: opts.protect });
}

/** The deletedWith warning: a component's keys deleted with another resource are left working in Flashback. */
export function deletedWithWarning(component: string, target: string): string {
  return (
    `RotatingRepoApiKey "${component}": deletedWith ${target} leaves both keys in Flashback, still working, when that resource is ` +
    "deleted (they only leave the state): delete them in Flashback's console then. `flashback-audit` marks them as retained while a state holds them"
  );
}

function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
