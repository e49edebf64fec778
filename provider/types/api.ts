/**
 * Wire shapes of Flashback's repository API key endpoints, as its API reference documents them.
 * Every field of a response is optional on purpose: the reference marks them so, and the provider
 * checks what it needs instead of trusting the shape.
 */

/** The access levels Flashback accepts for a repository API key. */
export const ACCESS_TYPES = ["READ", "WRITE", "ADMIN"] as const;
/** One of `ACCESS_TYPES`: what a key may do in its repository. */
export type AccessType = (typeof ACCESS_TYPES)[number];

/** Body of `POST /repo/{repoId}/apikey` and of `PUT /repo/{repoId}/apikey/{apikeyId}`. */
export interface ApiKeyRequestBody {
  name: string;
  accessType: AccessType;
}

/** Every Flashback answer carries `success`; a 2xx with `success: false` is a failure. */
export interface Envelope {
  success?: boolean;
  message?: string;
  error_code?: string;
}

export interface CreateApiKeyResponse extends Envelope {
  id?: string;
  key?: string;
  secret?: string;
}

/** One entry of `GET /repo/{repoId}/apikey`. `secret`, when present, is an encrypted envelope, never plaintext. */
export interface ListedApiKey {
  id: string;
  name: string;
  accessType: string;
  key?: string;
  secret?: unknown;
  createdAt?: string;
}

export interface ListApiKeysResponse extends Envelope {
  keys?: ListedApiKey[];
}

/** `POST /user/refresh`: the docs name the field `refreshToken`, the official client `refresh_token`. */
export interface RefreshTokenResponse extends Envelope {
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: string | number;
}

/** `POST /user/login` `{email, password}`: the same tokens as a renewal. */
export type LoginResponse = RefreshTokenResponse;
