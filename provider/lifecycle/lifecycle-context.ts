import { setMaxListeners } from "node:events";
import { Deadline, systemClock, type Clock } from "../client/clock";
import { FlashbackClient } from "../client/flashback-client";
import { RequestGate } from "../client/request-gate";
import { preloadGot, type HttpTransport } from "../client/http-transport";
import { CancelledError } from "../errors/cancelled-error";
import { SecretRegistry } from "../errors/redact";
import type { EngineProbe } from "../engine/engine-liveness";
import { requireCredentials, resolveSettings, type Settings, type SettingsSources } from "../settings/resolve-settings";

/** Properties as the engine hands them over: plain values, not validated yet. */
export type Properties = Readonly<Record<string, unknown>>;

/** Where settings come from besides the environment: the stack config, or an explicit provider's inputs. */
export type ConfigSource = NonNullable<SettingsSources["config"]>;

/** How to build a lifecycle other than the process's own: for tests and tools. */
export interface LifecycleOptions {
  /** Environment to read settings from when the stack config has none; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** For tests: pinned jitter and clock. */
  random?: () => number;
  clock?: Clock;
  /** For tests and models: HTTP without a network (an in-memory Flashback); got by default. */
  transport?: HttpTransport;
  /**
   * The stack's reservation scope (reservation.ts), a label in reservation names. Without one the
   * lifecycle serves no deployment (a tool, a test): it names reservations for its process and sweeps nothing.
   */
  deploymentScope?: string;
  /** Whether the engine can still receive a new key; by default a probe of the address Pulumi started the process with. */
  engineListening?: EngineProbe;
  /** Where warnings for the user go (each front passes the engine's log); dropped by default. Every text is redacted first. */
  warn?: (message: string) => void;
}

/**
 * What the lifecycle's parts share, as got's instance is shared by its calls: where settings come
 * from, the one client (its gate and renewed token), the secrets every message masks, the clock,
 * the cancellation and where warnings go.
 */
export class LifecycleContext {
  readonly options: LifecycleOptions;
  readonly clock: Clock;
  #sources: SettingsSources;
  #client: FlashbackClient | undefined;
  /** Set by `configure`: the next call resolves the settings again, and keeps the client if they are the same. */
  #sourcesChanged = false;
  #gate: RequestGate | undefined;
  readonly #secrets = new SecretRegistry();
  readonly #cancellation = new AbortController();
  #warn: ((message: string) => void) | undefined;

  constructor(options: LifecycleOptions) {
    this.options = options;
    // Every wait of every operation in flight listens to the one cancellation: hundreds at once are expected.
    setMaxListeners(0, this.#cancellation.signal);
    this.#sources = { env: options.env ?? process.env };
    this.clock = options.clock ?? systemClock;
    this.#warn = options.warn;
  }

  /** The settings' sources as last configured: the environment, and the stack config once given. */
  get sources(): SettingsSources {
    return this.#sources;
  }

  get signal(): AbortSignal {
    return this.#cancellation.signal;
  }

  /** A new stack config: settings are resolved again at the next call that needs them. */
  configure(config?: ConfigSource): void {
    this.#sources = { ...(config ? { config } : {}), env: this.#sources.env ?? process.env };
    this.#sourcesChanged = true;
    preloadGot();
  }

  cancel(): void {
    this.#cancellation.abort();
  }

  refuseIfCancelled(): void {
    if (this.#cancellation.signal.aborted) throw new CancelledError();
  }

  treatAsSecret(value: string): void {
    this.#secrets.add(value);
  }

  redact(text: string): string {
    return this.#secrets.redact(text);
  }

  sendWarningsTo(warn: (message: string) => void): void {
    this.#warn = warn;
  }

  /** A warning for the user, redacted; dropped while no front has said where warnings go. */
  warn(message: string): void {
    this.#warn?.(this.redact(message));
  }

  /** One operation's deadline: `operationTimeout` bounds all its requests and retries. */
  deadline(): Deadline {
    return new Deadline(this.clock, this.settings().operationTimeoutMs);
  }

  settings(): Settings {
    return this.client().settings;
  }

  /** The client of the current settings: the one kept while they stay the same, so its gate and token are shared. */
  client(): FlashbackClient {
    if (this.#client !== undefined && !this.#sourcesChanged) return this.#client;
    const settings = resolveSettings(this.#sources);
    requireCredentials(settings, this.#sources.config);
    this.#sourcesChanged = false;
    if (this.#client !== undefined && sameSettings(this.#client.settings, settings)) return this.#client;
    if (this.#gate === undefined || this.#client?.settings.maxConcurrency !== settings.maxConcurrency) {
      this.#gate = new RequestGate(settings.maxConcurrency, this.clock);
    }
    this.#client = new FlashbackClient({
      settings,
      secrets: this.#secrets,
      gate: this.#gate,
      clock: this.clock,
      signal: this.#cancellation.signal,
      ...(this.options.random ? { random: this.options.random } : {}),
      ...(this.options.transport ? { transport: this.options.transport } : {}),
    });
    return this.#client;
  }
}

/** Settings that would build the same client: a configure that changed none of them keeps the client. */
function sameSettings(a: Settings, b: Settings): boolean {
  return (Object.keys(a) as Array<keyof Settings>).every((name) => {
    const [left, right] = [a[name], b[name]];
    return left instanceof Set && right instanceof Set
      ? left.size === right.size && [...left].every((id) => right.has(id))
      : left === right;
  });
}
