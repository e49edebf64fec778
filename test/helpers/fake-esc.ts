import { createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A stand-in for Pulumi Cloud's side of `fn::rotate::external`, written from Pulumi's documented
 * contract only: an RS256 JWT per request from a key its JWKS serves (claims iss, sub, aud, exp,
 * iat, jti, org, current_env, root_env, trigger_user, body_hash = "sha256-" + base64 SHA-256 of the
 * raw body), POST {request, state} as JSON, and the whole 200 answer kept as the next state. Any
 * other status stores nothing, so the next attempt sends the same body.
 */

export const FAKE_ISSUER = "https://api.pulumi.com/oidc";

/** A signing key as Pulumi Cloud holds one: the private half here, the public half in the JWKS. */
interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(8).toString("hex");
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" } };
}

const base64url = (value: Buffer | string): string => Buffer.from(value).toString("base64url");

/** `sha256-<standard base64>` of the raw bytes: the `body_hash` claim. */
export function bodyHash(raw: string): string {
  return `sha256-${createHash("sha256").update(raw).digest("base64")}`;
}

export interface TokenOptions {
  /** Claims to replace (undefined removes one). */
  claims?: Record<string, unknown>;
  /** Header fields to replace. */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the served one. */
  key?: SigningKey;
  /** HS256 over the served public key's PEM: the classic algorithm-confusion forgery. */
  hmacWithPublicKey?: boolean;
}

/** Pulumi Cloud's OIDC side: a JWKS on 127.0.0.1 and the signer of ESC's tokens. */
export class FakePulumiCloud {
  readonly keys: SigningKey[] = [newSigningKey()];
  jwksFetches = 0;
  #server: Server | undefined;
  jwksUrl = "";

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      if (request.url !== "/oidc/.well-known/jwks") {
        response.writeHead(404).end();
        return;
      }
      this.jwksFetches += 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ keys: this.keys.map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/oidc/.well-known/jwks`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** A token for one request of `environment` (org/env) to `audience`, bound to `rawBody`. */
  token(audience: string, environment: string, rawBody: string, options: TokenOptions = {}): string {
    const key = options.key ?? (this.keys[0] as SigningKey);
    const [org, env] = environment.split("/") as [string, string];
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: FAKE_ISSUER,
      sub: `pulumi:environments:org:${org}:env:${env}`,
      aud: audience,
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
      org,
      env,
      current_env: environment,
      root_env: environment,
      trigger_user: "alice",
      body_hash: bodyHash(rawBody),
      ...options.claims,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    const header = { alg: options.hmacWithPublicKey ? "HS256" : "RS256", typ: "JWT", kid: key.kid, ...options.header };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = options.hmacWithPublicKey
      ? createHmac("sha256", JSON.stringify((this.keys[0] as SigningKey).publicJwk))
          .update(signingInput)
          .digest()
      : sign("sha256", Buffer.from(signingInput), key.privateKey);
    return `${signingInput}.${base64url(signature)}`;
  }
}

/** What one POST to the adapter came back with. */
export interface AdapterReply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** POSTs `rawBody` to the adapter as ESC does, with `token` (none when undefined). */
export async function postToAdapter(url: string, rawBody: string, token: string | undefined): Promise<AdapterReply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: rawBody,
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = {};
  }
  return { status: response.status, body, text };
}

/** One ESC environment with `fn::rotate::external`: its request, its stored state, and `esc env rotate`. */
export class FakeEscEnvironment {
  state: Record<string, unknown> | null = null;
  /** Every answer and every body sent, for leak scans. */
  readonly replies: AdapterReply[] = [];
  /** The last request as sent: body and token, for replays. */
  lastSent: { rawBody: string; token: string } | undefined;

  constructor(
    readonly cloud: FakePulumiCloud,
    readonly environment: string,
    public adapterUrl: string,
    public request: Record<string, unknown>,
  ) {}

  /** The body ESC sends: `{request, state}`. */
  body(): string {
    return JSON.stringify({ request: this.request, state: this.state });
  }

  /**
   * `esc env rotate`: a fresh token, POST, and the 200 answer stored whole as the state. With
   * `loseAnswer`, the answer never reaches ESC (a timeout, a dropped connection): nothing is stored.
   */
  async rotate(options: { loseAnswer?: boolean } = {}): Promise<AdapterReply> {
    const rawBody = this.body();
    const token = this.cloud.token(this.adapterUrl, this.environment, rawBody);
    this.lastSent = { rawBody, token };
    const reply = await postToAdapter(this.adapterUrl, rawBody, token);
    this.replies.push(reply);
    if (reply.status === 200 && !options.loseAnswer) this.state = reply.body;
    return reply;
  }
}

/** The keys a consumer of the stored state can use: `current` and the `previous` it names. */
export function keysHeldBy(state: Record<string, unknown> | null): string[] {
  if (state === null) return [];
  const previous = state.previous as { id?: string } | null;
  return [state.id as string, ...(previous?.id === undefined ? [] : [previous.id])];
}
