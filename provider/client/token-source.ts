import type { SecretRegistry } from "../errors/redact";

export interface RenewedTokens {
  accessToken: string;
  /** Flashback may rotate the refresh token on each renewal; the new one replaces the old. */
  refreshToken?: string | undefined;
}

/**
 * The access token of one provider process. Renewal is single-flight: when fifty calls meet a 401
 * at once, one `POST /user/refresh` goes out and all fifty wait for it.
 */
export class TokenSource {
  #accessToken: string | undefined;
  #refreshToken: string | undefined;
  #renewal: Promise<string> | undefined;

  constructor(
    tokens: { accessToken: string | undefined; refreshToken: string | undefined },
    private readonly secrets: SecretRegistry,
    private readonly renew: (refreshToken: string) => Promise<RenewedTokens>,
  ) {
    this.#accessToken = tokens.accessToken;
    this.#refreshToken = tokens.refreshToken;
    secrets.add(tokens.accessToken, tokens.refreshToken);
  }

  get canRenew(): boolean {
    return this.#refreshToken !== undefined;
  }

  /** Takes the tokens of a sign-in (`POST /user/login`) in place of whatever this source held. */
  adopt(tokens: RenewedTokens): void {
    this.secrets.add(tokens.accessToken, tokens.refreshToken);
    this.#accessToken = tokens.accessToken;
    if (tokens.refreshToken !== undefined) this.#refreshToken = tokens.refreshToken;
  }

  /** The token to send; renews first when only a refresh token was given. */
  async current(): Promise<string> {
    return this.#accessToken ?? this.#renewOnce();
  }

  /** Called after a 401 answered `rejected`: renews unless another call already did. */
  async renewAfterRejection(rejected: string): Promise<string> {
    if (this.#accessToken !== undefined && this.#accessToken !== rejected) return this.#accessToken;
    return this.#renewOnce();
  }

  #renewOnce(): Promise<string> {
    const refreshToken = this.#refreshToken;
    if (refreshToken === undefined) return Promise.reject(new Error("no refresh token to renew the access token with"));
    this.#renewal ??= this.renew(refreshToken)
      .then((renewed) => {
        this.secrets.add(renewed.accessToken, renewed.refreshToken);
        this.#accessToken = renewed.accessToken;
        if (renewed.refreshToken !== undefined) this.#refreshToken = renewed.refreshToken;
        return renewed.accessToken;
      })
      .finally(() => {
        this.#renewal = undefined;
      });
    return this.#renewal;
  }
}
