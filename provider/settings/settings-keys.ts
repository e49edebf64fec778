/**
 * Every setting the provider reads, where from, and whether its value is a secret. Stack config
 * (the `flashback:` namespace) wins over the environment, which wins over the default.
 */
export interface SettingKey {
  /** Stack config key, set with `pulumi config set [--secret] <config> <value>`. */
  config: string;
  /** Environment variable read by the provider process when the stack config has no value. */
  env: string;
  /** Secret values are masked in every text the provider produces, and never named by value. */
  secret: boolean;
  /** What the value is, for the provider plugin's schema. */
  type: "string" | "number" | "integer" | "boolean";
  description: string;
}

export const SETTING_KEYS = {
  apiUrl: {
    config: "flashback:apiUrl",
    env: "FLASHBACK_API_URL",
    secret: false,
    type: "string",
    description: "Base URL of Flashback's API: https://, or http:// for a loopback host only.",
  },
  accessToken: {
    config: "flashback:accessToken",
    env: "FLASHBACK_ACCESS_TOKEN",
    secret: true,
    type: "string",
    description: "Flashback access token (a JWT valid for an hour). This or refreshToken is required.",
  },
  refreshToken: {
    config: "flashback:refreshToken",
    env: "FLASHBACK_REFRESH_TOKEN",
    secret: true,
    type: "string",
    description: "Flashback refresh token: the provider renews the access token with it when Flashback rejects one.",
  },
  requestTimeout: {
    config: "flashback:requestTimeout",
    env: "FLASHBACK_REQUEST_TIMEOUT",
    secret: false,
    type: "number",
    description: "Seconds one HTTP request may take.",
  },
  operationTimeout: {
    config: "flashback:operationTimeout",
    env: "FLASHBACK_OPERATION_TIMEOUT",
    secret: false,
    type: "number",
    description: "Seconds one create, read, update or delete may take with all its retries.",
  },
  maxRetries: {
    config: "flashback:maxRetries",
    env: "FLASHBACK_MAX_RETRIES",
    secret: false,
    type: "integer",
    description: "Retries of one request (429 aside).",
  },
  maxConcurrency: {
    config: "flashback:maxConcurrency",
    env: "FLASHBACK_MAX_CONCURRENCY",
    secret: false,
    type: "integer",
    description: "Requests in flight at once, per provider process.",
  },
  goneRepositories: {
    config: "flashback:goneRepositories",
    env: "FLASHBACK_GONE_REPOSITORIES",
    secret: false,
    type: "string",
    description:
      "Ids of repositories you confirm were deleted, separated by commas: when one answers 404, refresh drops its keys from the state and destroy counts them deleted. Any other repository's 404 fails, since it may only mean that the token cannot see it.",
  },
  requireEncryptTo: {
    config: "flashback:requireEncryptTo",
    env: "FLASHBACK_REQUIRE_ENCRYPT_TO",
    secret: false,
    type: "boolean",
    description:
      "When true (as stack config or an environment variable: true or false), every RepoApiKey, both keys of a RotatingRepoApiKey included, must have encryptTo: a key without one fails preview, naming it, so that no plain secret reaches the state.",
  },
} as const satisfies Record<string, SettingKey>;

/** The name of one setting: `apiUrl`, `accessToken`… */
export type SettingName = keyof typeof SETTING_KEYS;

/** The documented production endpoint (the official client's default host differs; the docs and the API page say this one). */
export const DEFAULT_API_URL = "https://backend.flashback.tech";

/** The value of each optional setting when neither the stack config nor the environment gives one. */
export const DEFAULTS = {
  /** Seconds one HTTP request may take before it counts as failed. */
  requestTimeout: 30,
  /** Seconds one operation (create, read, update, delete) may take with all its retries. */
  operationTimeout: 300,
  /** Retries of one request after its first attempt. */
  maxRetries: 6,
  /**
   * Requests in flight at once from one provider process. The engine runs up to 4 x CPUs
   * operations at once; this only caps a much larger `--parallel`.
   */
  maxConcurrency: 64,
  /** Keys may be plain: sealing is each key's choice until a team requires it. */
  requireEncryptTo: false,
} as const;
