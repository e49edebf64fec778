import { isIP } from "node:net";
import { SettingsError } from "../errors/settings-error";
import { DEFAULT_API_URL, DEFAULTS, SETTING_KEYS, type SettingName } from "./settings-keys";

/** Where settings come from: the stack config the engine hands to `configure` (or an explicit provider's inputs), and the environment. */
export interface SettingsSources {
  config?: ConfigValues;
  env?: NodeJS.ProcessEnv;
}

/** Setting values by their stack config key (`flashback:apiUrl`). */
export interface ConfigValues {
  get(key: string): string | undefined;
  /**
   * The name of the explicit provider (`pulumi:providers:flashback`) whose inputs these are, so that
   * messages name the input rather than a stack config key it was never read from; absent for stack config.
   */
  readonly explicitProvider?: string;
}

export interface Settings {
  /** Base URL, always ending in `/` so that relative paths append to it. */
  readonly apiUrl: string;
  readonly accessToken: string | undefined;
  readonly refreshToken: string | undefined;
  readonly requestTimeoutMs: number;
  readonly operationTimeoutMs: number;
  readonly maxRetries: number;
  readonly maxConcurrency: number;
  /** Repositories the user confirmed deleted (`goneRepositories`): their 404 is taken for "gone". */
  readonly goneRepositories: ReadonlySet<string>;
  /** Every key must have `encryptTo` (`requireEncryptTo`). */
  readonly requireEncryptTo: boolean;
}

interface FoundValue {
  value: string;
  /** Where it was found, for error messages: never the value itself. */
  source: string;
}

/** The longest `operationTimeout`, in seconds: one day. */
const MAX_OPERATION_TIMEOUT_S = 86_400;

/** The settings whose values are parsed, each by its own parser (the tokens are taken as they are). */
const PARSERS = {
  apiUrl: (found: FoundValue | undefined) => parseApiUrl(found),
  requestTimeout: (found: FoundValue | undefined) => parseNumber("requestTimeout", found, DEFAULTS.requestTimeout, 0.001) * 1000,
  // At most a day: a reservation's name carries the lifetime, and a leftover waits that long to be swept.
  operationTimeout: (found: FoundValue | undefined) =>
    parseNumber("operationTimeout", found, DEFAULTS.operationTimeout, 0.001, MAX_OPERATION_TIMEOUT_S) * 1000,
  maxRetries: (found: FoundValue | undefined) => parseWholeNumber("maxRetries", found, DEFAULTS.maxRetries, 0),
  maxConcurrency: (found: FoundValue | undefined) => parseWholeNumber("maxConcurrency", found, DEFAULTS.maxConcurrency, 1),
  requireEncryptTo: (found: FoundValue | undefined) => parseBoolean("requireEncryptTo", found, DEFAULTS.requireEncryptTo),
} satisfies Partial<Record<SettingName, (found: FoundValue | undefined) => unknown>>;

/** Reads every setting: stack config, else environment, else default. Throws a `SettingsError` naming the setting on bad values. */
export function resolveSettings(sources: SettingsSources = {}): Settings {
  const find = (name: SettingName): FoundValue | undefined => findSetting(name, sources);
  return Object.freeze({
    apiUrl: PARSERS.apiUrl(find("apiUrl")),
    accessToken: find("accessToken")?.value,
    refreshToken: find("refreshToken")?.value,
    requestTimeoutMs: PARSERS.requestTimeout(find("requestTimeout")),
    operationTimeoutMs: PARSERS.operationTimeout(find("operationTimeout")),
    maxRetries: PARSERS.maxRetries(find("maxRetries")),
    maxConcurrency: PARSERS.maxConcurrency(find("maxConcurrency")),
    goneRepositories: goneRepositories(sources),
    requireEncryptTo: PARSERS.requireEncryptTo(find("requireEncryptTo")),
  });
}

/**
 * Where `requireEncryptTo` was set to true (`stack config flashback:requireEncryptTo`, say), or
 * `undefined` when keys may be plain: for Check, which needs no credentials and reads no other setting.
 */
export function recipientRequiredBy(sources: SettingsSources = {}): string | undefined {
  const found = findSetting("requireEncryptTo", sources);
  return PARSERS.requireEncryptTo(found) ? found?.source : undefined;
}

/**
 * Every bad setting with its `SettingsError`, where `resolveSettings` throws at the first: for a
 * check that reports each one under its own name (the provider plugin's CheckConfig).
 */
export function settingsFailures(sources: SettingsSources = {}): Array<{ name: SettingName; error: SettingsError }> {
  return (Object.keys(PARSERS) as Array<keyof typeof PARSERS>).flatMap((name) => {
    try {
      PARSERS[name](findSetting(name, sources));
      return [];
    } catch (error) {
      if (error instanceof SettingsError) return [{ name, error }];
      throw error;
    }
  });
}

/**
 * Throws unless an access token or a refresh token is set; names both ways to set each, as the
 * settings are read: stack config, or the inputs of the explicit provider `config` names.
 */
export function requireCredentials(settings: Settings, config?: ConfigValues): void {
  if (settings.accessToken === undefined && settings.refreshToken === undefined) {
    const [token, refresh] = [SETTING_KEYS.accessToken, SETTING_KEYS.refreshToken];
    const howToSet =
      config?.explicitProvider === undefined
        ? `set it with \`pulumi config set --secret ${token.config} <token>\``
        : `give the provider "${config.explicitProvider}" the input accessToken`;
    throw new SettingsError(
      `No Flashback access token: ${howToSet} or the environment variable ${token.env} ` +
        `(or give a refresh token as ${describeConfigSetting("refreshToken", config)} / ${refresh.env})`,
      token.config,
    );
  }
}

/**
 * How messages name a setting read from `config`: `stack config flashback:apiUrl`, or for an
 * explicit provider `input apiUrl of the provider "eu"`. Never its value.
 */
export function describeConfigSetting(name: SettingName, config?: ConfigValues): string {
  return config?.explicitProvider === undefined
    ? `stack config ${SETTING_KEYS[name].config}`
    : `input ${name} of the provider "${config.explicitProvider}"`;
}

function findSetting(name: SettingName, { config, env = process.env }: SettingsSources): FoundValue | undefined {
  const key = SETTING_KEYS[name];
  const fromConfig = config?.get(key.config);
  if (isGiven(fromConfig)) return { value: fromConfig.trim(), source: describeConfigSetting(name, config) };
  const fromEnv = env[key.env];
  if (isGiven(fromEnv)) return { value: fromEnv.trim(), source: `environment variable ${key.env}` };
  return undefined;
}

function isGiven(value: string | undefined): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function parseApiUrl(found: FoundValue | undefined): string {
  const key = SETTING_KEYS.apiUrl.config;
  if (found === undefined) return `${DEFAULT_API_URL}/`;
  let url: URL;
  try {
    url = new URL(found.value);
  } catch {
    throw new SettingsError(`${found.source} is not a valid URL: give an absolute URL such as ${DEFAULT_API_URL}`, key);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SettingsError(`${found.source} must be an https:// URL; got the scheme "${url.protocol}"`, key);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new SettingsError(
      `${found.source} uses http:// for a host that is not a loopback address; the access token would travel in clear text. Use https://`,
      key,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new SettingsError(`${found.source} must not hold credentials; give the token as ${SETTING_KEYS.accessToken.config}`, key);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new SettingsError(`${found.source} must not have a query or a fragment`, key);
  }
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return isIP(host) === 6 && (host === "::1" || host === "0:0:0:0:0:0:0:1");
}

/**
 * The repositories confirmed deleted by the stack config (or provider input) and the environment
 * together: refresh and destroy configure the provider as the last `up` did, so the environment is
 * how one command adds a repository, and a list the config already holds must not hide it.
 */
function goneRepositories({ config, env = process.env }: SettingsSources): ReadonlySet<string> {
  const key = SETTING_KEYS.goneRepositories;
  return new Set([config?.get(key.config), env[key.env]].flatMap((list) => parseIdList(list)));
}

/** A comma-separated list of ids; blanks are dropped, so a trailing comma is harmless. */
function parseIdList(list: string | undefined): string[] {
  return (list ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
}

function parseNumber(
  name: SettingName,
  found: FoundValue | undefined,
  fallback: number,
  minimum: number,
  maximum = Number.POSITIVE_INFINITY,
): number {
  if (found === undefined) return fallback;
  const value = Number(found.value);
  if (!Number.isFinite(value) || value < minimum) {
    throw new SettingsError(`${found.source} must be a number of seconds greater than 0; got "${found.value}"`, SETTING_KEYS[name].config);
  }
  if (value > maximum) {
    throw new SettingsError(`${found.source} must be at most ${maximum} seconds; got "${found.value}"`, SETTING_KEYS[name].config);
  }
  return value;
}

/** `true` or `false`, in any case: what `pulumi config set` and an environment variable hold as text. */
function parseBoolean(name: SettingName, found: FoundValue | undefined, fallback: boolean): boolean {
  if (found === undefined) return fallback;
  const value = found.value.toLowerCase();
  if (value === "true" || value === "false") return value === "true";
  throw new SettingsError(`${found.source} must be true or false; got "${found.value}"`, SETTING_KEYS[name].config);
}

function parseWholeNumber(name: SettingName, found: FoundValue | undefined, fallback: number, minimum: number): number {
  if (found === undefined) return fallback;
  const value = Number(found.value);
  if (!Number.isInteger(value) || value < minimum) {
    throw new SettingsError(
      `${found.source} must be a whole number of at least ${minimum}; got "${found.value}"`,
      SETTING_KEYS[name].config,
    );
  }
  return value;
}
