import { inspect } from "node:util";

/** What every `code` of this package's errors starts with: how a guard knows one from another copy of the package. */
export const FLASHBACK_CODE_PREFIX = "FLASHBACK_";

/**
 * Base of every error this package throws. Pulumi shows `message` verbatim, and users log errors
 * whole, so an error of ours holds only primitives that were chosen to be public: `toJSON` and the
 * `util.inspect` hook print exactly `publicFields()`, never whatever else might be attached.
 */
export abstract class FlashbackError extends Error {
  abstract override readonly name: string;
  /** Stable across releases, as Node's own `error.code`: compare it, not the message. */
  abstract readonly code: `${typeof FLASHBACK_CODE_PREFIX}${string}`;

  /** The allow-listed fields that printing, logging and JSON show. */
  publicFields(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }

  toJSON(): Record<string, unknown> {
    return this.publicFields();
  }

  [inspect.custom](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${inspect(this.publicFields())}`;
  }
}
