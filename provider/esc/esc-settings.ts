import { SettingsError } from "../errors/settings-error";
import { isLoopback, resolveSettings, type Settings } from "../settings/resolve-settings";

/** Pulumi Cloud's JWKS, as the external provider's docs and Pulumi's Lambda example name it. */
export const PULUMI_JWKS_URL = "https://api.pulumi.com/oidc/.well-known/jwks";
/** Both issuers the docs give: the table says `https://api.pulumi.com`, the OIDC discovery lives under `/oidc`. */
export const PULUMI_ISSUERS: readonly string[] = ["https://api.pulumi.com", "https://api.pulumi.com/oidc"];

/** What the ESC rotator is configured with: where its tokens come from and whom it serves. Never a Flashback credential. */
export interface EscSettings {
  port: number;
  /** Its public URL: a token's `aud` must be exactly this. */
  audience: string;
  jwksUrl: URL;
  issuers: string[];
  /** Organizations whose environments may rotate through it. */
  organizations: ReadonlySet<string>;
  /** `org/env` allowed; empty means every environment of an allowed organization. */
  environments: ReadonlySet<string>;
  /** Longest a rotation may take: a key it made is taken for abandoned only once this is over. */
  rotationTimeoutMs: number;
  /** Least time between two JWKS fetches made for an unknown key id. */
  jwksCooldownMs: number;
  /** Flashback's URL and timeouts; the tokens come with each rotation's request. */
  flashback: Settings;
}

export const ESC_ENV = {
  port: "PORT",
  audience: "FLASHBACK_ESC_AUDIENCE",
  jwksUrl: "FLASHBACK_ESC_JWKS_URL",
  issuers: "FLASHBACK_ESC_ISSUERS",
  organizations: "FLASHBACK_ESC_ORGS",
  environments: "FLASHBACK_ESC_ENVIRONMENTS",
  rotationTimeout: "FLASHBACK_ESC_ROTATION_TIMEOUT",
  jwksCooldown: "FLASHBACK_ESC_JWKS_COOLDOWN",
} as const;

/** Reads the rotator's settings from the environment; a `SettingsError` names the variable and what it takes, never its value. */
export function resolveEscSettings(env: NodeJS.ProcessEnv = process.env): EscSettings {
  const organizations = listOf(env[ESC_ENV.organizations]);
  if (organizations.length === 0) {
    throw new SettingsError(
      `${ESC_ENV.organizations} is required: the Pulumi organizations (comma-separated) whose environments may rotate keys through this adapter`,
      ESC_ENV.organizations,
    );
  }
  const rotationTimeoutMs = seconds(env, ESC_ENV.rotationTimeout, 60, 1, 600) * 1000;
  return {
    port: seconds(env, ESC_ENV.port, 8080, 0, 65_535),
    audience: audienceOf(env[ESC_ENV.audience]),
    jwksUrl: secureUrl(env[ESC_ENV.jwksUrl] ?? PULUMI_JWKS_URL, ESC_ENV.jwksUrl),
    issuers: listOf(env[ESC_ENV.issuers]).length > 0 ? listOf(env[ESC_ENV.issuers]) : [...PULUMI_ISSUERS],
    organizations: new Set(organizations),
    environments: new Set(listOf(env[ESC_ENV.environments])),
    rotationTimeoutMs,
    jwksCooldownMs: seconds(env, ESC_ENV.jwksCooldown, 30, 0, 3600) * 1000,
    // Only Flashback's URL and timeouts: a token in this process's environment must never stand in for the request's.
    flashback: resolveSettings({
      env: {
        FLASHBACK_API_URL: env.FLASHBACK_API_URL,
        FLASHBACK_REQUEST_TIMEOUT: env.FLASHBACK_REQUEST_TIMEOUT,
        FLASHBACK_OPERATION_TIMEOUT: String(rotationTimeoutMs / 1000),
        FLASHBACK_MAX_RETRIES: env.FLASHBACK_MAX_RETRIES,
      },
    }),
  };
}

function audienceOf(value: string | undefined): string {
  if (value === undefined || value.trim() === "") {
    throw new SettingsError(
      `${ESC_ENV.audience} is required: this adapter's public URL exactly as the environment's fn::rotate::external url gives it (tokens carry it as aud)`,
      ESC_ENV.audience,
    );
  }
  secureUrl(value.trim(), ESC_ENV.audience);
  return value.trim();
}

function secureUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(`${name} is not a valid URL: give an absolute https:// URL`, name);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new SettingsError(`${name} must be an https:// URL (http:// only for a loopback host)`, name);
  }
  return url;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number, maximum: number): number {
  const given = env[name];
  if (given === undefined || given.trim() === "") return fallback;
  const value = Number(given);
  if (!Number.isFinite(value) || value < minimum || value > maximum) {
    throw new SettingsError(`${name} must be a number from ${minimum} to ${maximum}`, name);
  }
  return value;
}

/** A comma-separated list; blanks are dropped. */
function listOf(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}
