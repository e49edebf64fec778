import { newSigningKey, postToAdapter, type AdapterReply, type FakeEscEnvironment } from "./fake-esc";

/** One forged or tampered request, the status it must get, and the check the refusal must name. */
export interface Forgery {
  name: string;
  status: 400 | 401;
  check: string;
  /** Values the refusal must not repeat. */
  mustNotEcho?: string[];
  send(env: FakeEscEnvironment): Promise<AdapterReply>;
}

const otherKey = newSigningKey();
const now = (): number => Math.floor(Date.now() / 1000);

/** Sends the environment's current body with a token made by `tokenOptions`. */
function forged(env: FakeEscEnvironment, tokenOptions: Parameters<FakeEscEnvironment["cloud"]["token"]>[3], environment = env.environment) {
  const rawBody = env.body();
  return postToAdapter(env.adapterUrl, rawBody, env.cloud.token(env.adapterUrl, environment, rawBody, tokenOptions));
}

/**
 * Every forgery the issue names, each tried once: the environment must be allowed (`acme/prod`),
 * `acme/dev` not allowed, and the organization `evil` unknown to the adapter. "replayed jti" needs
 * a request this environment sent before (`env.lastSent`).
 */
export const FORGERIES: Forgery[] = [
  {
    name: "no Authorization header",
    status: 401,
    check: "authorization",
    send: (env) => postToAdapter(env.adapterUrl, env.body(), undefined),
  },
  { name: "not a JWT", status: 401, check: "token", send: (env) => postToAdapter(env.adapterUrl, env.body(), "not.a-jwt.at-all") },
  {
    name: "bad signature (another key, the served kid)",
    status: 401,
    check: "signature",
    send: (env) => forged(env, { key: otherKey, header: { kid: env.cloud.keys[0]?.kid } }),
  },
  { name: "unknown kid", status: 401, check: "kid", send: (env) => forged(env, { key: otherKey }) },
  {
    name: "HS256 with the public key (algorithm confusion)",
    status: 401,
    check: "alg",
    send: (env) => forged(env, { hmacWithPublicKey: true }),
  },
  {
    name: "aud of another adapter",
    status: 401,
    check: "aud",
    mustNotEcho: ["https://other-adapter.example/rotate"],
    send: (env) => forged(env, { claims: { aud: "https://other-adapter.example/rotate" } }),
  },
  {
    name: "iss not Pulumi Cloud",
    status: 401,
    check: "iss",
    mustNotEcho: ["https://evil.example"],
    send: (env) => forged(env, { claims: { iss: "https://evil.example" } }),
  },
  { name: "exp passed", status: 401, check: "exp", send: (env) => forged(env, { claims: { iat: now() - 400, exp: now() - 100 } }) },
  { name: "iat in the future", status: 401, check: "iat", send: (env) => forged(env, { claims: { iat: now() + 300, exp: now() + 600 } }) },
  {
    name: "body_hash of another body",
    status: 401,
    check: "body_hash",
    send: (env) => {
      const signed = env.body();
      // The same JSON with one more space: other bytes, so another hash.
      const sent = signed.replace('{"request":', '{ "request":');
      return postToAdapter(env.adapterUrl, sent, env.cloud.token(env.adapterUrl, env.environment, signed));
    },
  },
  {
    name: "replayed jti",
    status: 401,
    check: "jti",
    send: (env) => {
      if (env.lastSent === undefined) throw new Error("replayed jti needs a request sent before");
      return postToAdapter(env.adapterUrl, env.lastSent.rawBody, env.lastSent.token);
    },
  },
  { name: "organization not allowed", status: 401, check: "org", send: (env) => forged(env, {}, "evil/prod") },
  { name: "environment not allowed", status: 401, check: "environment", send: (env) => forged(env, {}, "acme/dev") },
  { name: "token without body_hash", status: 401, check: "claims", send: (env) => forged(env, { claims: { body_hash: undefined } }) },
  {
    name: "body with a field besides request and state",
    status: 400,
    check: "body",
    send: (env) => {
      const rawBody = JSON.stringify({ request: env.request, state: env.state, extra: true });
      return postToAdapter(env.adapterUrl, rawBody, env.cloud.token(env.adapterUrl, env.environment, rawBody));
    },
  },
  {
    name: "request with an undocumented field",
    status: 400,
    check: "body",
    send: (env) => {
      const rawBody = JSON.stringify({ request: { ...env.request, repoIdOverride: "x" }, state: env.state });
      return postToAdapter(env.adapterUrl, rawBody, env.cloud.token(env.adapterUrl, env.environment, rawBody));
    },
  },
  {
    name: "state not the adapter's answer",
    status: 400,
    check: "body",
    send: (env) => {
      const rawBody = JSON.stringify({ request: env.request, state: { id: "k", generation: "2" } });
      return postToAdapter(env.adapterUrl, rawBody, env.cloud.token(env.adapterUrl, env.environment, rawBody));
    },
  },
];
