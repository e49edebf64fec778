import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultPlan, formatCreatedAt, type FaultKind } from "./faults";
import { KeyStore } from "./store";

/** The access levels Flashback's API reference lists for a repository API key. */
const ACCESS_TYPES: readonly string[] = ["READ", "WRITE", "ADMIN"];

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: the emulator is for this machine only. */
  host?: string;
  /** Repositories that exist; any other answers 404. Default `["repo-demo"]`. */
  repos?: string[];
  /** Access tokens accepted. Default `["dev-token"]`. */
  accessTokens?: string[];
  /** Refresh tokens accepted by `POST /user/refresh`. */
  refreshTokens?: string[];
  /** Users `POST /user/login` signs in, by email: their password. */
  users?: Record<string, string>;
  /** Whether each renewal also issues a new refresh token and retires the old one, as Flashback may. */
  rotateRefreshTokens?: boolean;
  /** Repositories the tokens may not touch: 403. */
  forbiddenRepos?: string[];
  /** Repositories that exist but answer 404 to the tokens, as an API that hides what a user may not see. */
  hiddenRepos?: string[];
  /** Azure Blob repositories: their keys have no key id, so answers carry no `key`. */
  azureRepos?: string[];
  /** JSON file that keeps the keys between runs. */
  stateFile?: string;
}

/** One request as the emulator saw it: enough for tests to count calls, never a secret. */
export interface RecordedRequest {
  method: string;
  path: string;
  status: number | "reset";
  at: number;
  body?: unknown;
}

/** A started emulator: its URL, its keys, its faults and what it saw. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  url: string;
  store: KeyStore;
  faults: FaultPlan;
  requests: RecordedRequest[];
  /** Forgets requests, faults and keys; keeps the seeded repositories. */
  reset(): void;
  /** Adds an access token. */
  acceptToken(token: string): void;
  /** Makes an accepted access token answer 401 from now on, as an expired one does. */
  expireToken(token: string): void;
  /** Expires every access token accepted or issued so far. */
  expireAccessTokens(): void;
  /** The most requests the emulator was handling at once since the last reset. */
  readonly peakInFlight: number;
  /** From now on, answers every request for this repository with 403 or 404 (it still exists), or again normally (`undefined`). */
  refuseRepo(repoId: string, status: 403 | 404 | undefined): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

const error = (status: number, code: string, message: string): Reply => ({ status, body: { success: false, error_code: code, message } });

/**
 * A local stand-in for Flashback's repository API key endpoints: same paths, same bodies, same error
 * envelope. The plaintext secret is returned once, by create; the list call gives an opaque
 * envelope instead, as Flashback does.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seededRepos = options.repos ?? ["repo-demo"];
  const store = new KeyStore({ repos: seededRepos, stateFile: options.stateFile });
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  /** Access token -> when it stops working (Infinity when it does not expire). */
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Set(options.refreshTokens ?? []);
  /** Repository -> the status it is refused with. */
  const refused = new Map<string, 403 | 404>([
    ...(options.forbiddenRepos ?? []).map((repoId) => [repoId, 403] as const),
    ...(options.hiddenRepos ?? []).map((repoId) => [repoId, 404] as const),
  ]);
  const azure = new Set(options.azureRepos ?? []);
  const acceptToken = (token: string): void => {
    accessTokens.set(token, faults.tokenLifetimeMs === undefined ? Infinity : Date.now() + faults.tokenLifetimeMs);
  };
  for (const token of options.accessTokens ?? ["dev-token"]) accessTokens.set(token, Infinity);

  const isAuthorized = (request: IncomingMessage): boolean => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
    const token = match?.[1];
    if (token === undefined || !accessTokens.has(token)) return false;
    let expiresAt = accessTokens.get(token) ?? Infinity;
    if (expiresAt === Infinity && faults.tokenLifetimeMs !== undefined) {
      expiresAt = Date.now() + faults.tokenLifetimeMs;
      accessTokens.set(token, expiresAt);
    }
    return Date.now() < expiresAt;
  };

  const users = new Map(Object.entries(options.users ?? {}));
  const issueTokens = (refreshToken: string): Reply => {
    const accessToken = `at-${randomBytes(16).toString("hex")}`;
    acceptToken(accessToken);
    return { status: 200, body: { success: true, accessToken, refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString() } };
  };

  const logIn = (body: Record<string, unknown>): Reply => {
    const known = typeof body.email === "string" ? users.get(body.email) : undefined;
    if (known === undefined || body.password !== known) return error(401, "INVALID_CREDENTIALS", "Email or password is wrong");
    const refreshToken = `rt-${randomBytes(16).toString("hex")}`;
    refreshTokens.add(refreshToken);
    return issueTokens(refreshToken);
  };

  const renewTokens = (body: Record<string, unknown>): Reply => {
    const given = typeof body.refreshToken === "string" ? body.refreshToken : body.refresh_token;
    if (typeof given !== "string" || !refreshTokens.has(given))
      return error(401, "INVALID_REFRESH_TOKEN", "Refresh token is invalid or expired");
    let refreshToken = given;
    if (options.rotateRefreshTokens) {
      refreshTokens.delete(given);
      refreshToken = `rt-${randomBytes(16).toString("hex")}`;
      refreshTokens.add(refreshToken);
    }
    return issueTokens(refreshToken);
  };

  const handleKeys = (method: string, segments: string[], body: Record<string, unknown>, fault: FaultKind | undefined): Reply => {
    const [repoId, apikeyId] = [segments[1] ?? "", segments[3]];
    if (refused.get(repoId) === 403) return error(403, "INSUFFICIENT_PERMISSIONS", "User does not have permission on this repository");
    if (refused.get(repoId) === 404 || !store.hasRepo(repoId)) return error(404, "REPO_NOT_FOUND", "Repository not found");
    const keyIdOf = (key: string) => (azure.has(repoId) ? {} : { key });
    const invalid = validateKeyBody(method, body);
    if (invalid) return invalid;
    if (fault?.kind === "success-false")
      return { status: 200, body: { success: false, error_code: "INTERNAL_ERROR", message: "Request failed" } };
    const duplicate = (name: unknown): boolean =>
      faults.refuseDuplicateNames && store.list(repoId).some((key) => key.name === name && key.id !== apikeyId);
    if ((method === "POST" || method === "PUT") && duplicate(body.name)) {
      return error(409, "APIKEY_NAME_EXISTS", "An API key with this name already exists in the repository");
    }
    if (apikeyId === undefined && method === "POST") {
      const { stored, secret } = store.create(repoId, body.name as string, body.accessType as string, {
        createdAt: new Date(Date.now() + faults.clockOffsetMs),
      });
      if (fault?.kind === "missing-fields") return { status: 200, body: { success: true, id: stored.id } };
      return { status: 200, body: { success: true, id: stored.id, ...keyIdOf(stored.key), secret } };
    }
    if (apikeyId === undefined && method === "GET") {
      if (fault?.kind === "missing-fields") return { status: 200, body: { success: true } };
      const keys = store.list(repoId).map((key) => ({
        id: key.id,
        name: key.name,
        accessType: key.accessType,
        ...keyIdOf(key.key),
        secret: key.secretEnvelope,
        ...withCreatedAt(formatCreatedAt(new Date(key.createdAt), faults.createdAtShape)),
      }));
      const pageSize = faults.listPageSize;
      if (pageSize !== undefined && keys.length > pageSize) {
        return { status: 200, body: { success: true, keys: keys.slice(0, pageSize), total: keys.length, page: 1, limit: pageSize } };
      }
      return { status: 200, body: { success: true, keys } };
    }
    if (apikeyId !== undefined && method === "PUT") {
      const updated = store.update(repoId, apikeyId, { name: body.name as string, accessType: body.accessType as string });
      return updated
        ? { status: 200, body: { success: true, message: "API key updated" } }
        : error(404, "APIKEY_NOT_FOUND", "API key not found");
    }
    if (apikeyId !== undefined && method === "DELETE") {
      const deleted = store.delete(repoId, apikeyId);
      return deleted
        ? { status: 200, body: { success: true, message: "API key deleted" } }
        : error(404, "APIKEY_NOT_FOUND", "API key not found");
    }
    return error(405, "METHOD_NOT_ALLOWED", "Method not allowed");
  };

  const route = (
    method: string,
    segments: string[],
    body: Record<string, unknown>,
    request: IncomingMessage,
    fault: FaultKind | undefined,
  ): Reply => {
    if (method === "POST" && segments.join("/") === "user/refresh") return renewTokens(body);
    if (method === "POST" && segments.join("/") === "user/login") return logIn(body);
    const isKeyPath = segments[0] === "repo" && segments[2] === "apikey" && (segments.length === 3 || segments.length === 4);
    if (!isKeyPath) return error(404, "NOT_FOUND", "No such endpoint");
    if (!isAuthorized(request)) return error(401, "NO_AUTH_USER", "Missing, invalid or expired access token");
    return handleKeys(method, segments, body, fault);
  };

  let inFlight = 0;
  let peakInFlight = 0;
  const server = createServer((request, response) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    response.once("close", () => (inFlight -= 1));
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    const rawPath = (request.url ?? "/").split("?")[0] ?? "/";
    const record: RecordedRequest = { method, path: rawPath, status: 0, at: Date.now() };
    // Flashback's clock, as its `Date` header states it: this machine's, unless a test moves it.
    response.sendDate = false;
    if (!faults.omitDateHeader) response.setHeader("date", new Date(Date.now() + faults.clockOffsetMs).toUTCString());
    requests.push(record);
    const text = await readBody(request);
    const body = parseObject(text);
    if (body !== undefined && Object.keys(body).length > 0) record.body = redactBody(body);
    const latency = faults.latencyFor(Math.random());
    if (latency > 0) await delay(latency);
    const limited = faults.takeRateToken(Date.now());
    if (limited !== undefined) {
      return send(response, record, { ...error(429, "RATE_LIMITED", "Too many requests"), headers: { "retry-after": String(limited) } });
    }
    const fault = faults.take(method, rawPath);
    if (fault?.kind === "delay") await delay(fault.ms);
    if (fault?.kind === "status") {
      const reply = error(fault.status, fault.errorCode ?? (fault.status === 429 ? "RATE_LIMITED" : "INTERNAL_ERROR"), "Injected fault");
      return send(response, record, fault.retryAfter === undefined ? reply : { ...reply, headers: { "retry-after": fault.retryAfter } });
    }
    if (fault?.kind === "reset-before") return reset(response, record);
    if (body === undefined && text.trim() !== "") return send(response, record, error(400, "INVALID_JSON", "Body is not JSON"));
    let segments: string[];
    try {
      segments = rawPath.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return send(response, record, error(400, "INVALID_PATH", "Path is not valid percent-encoding"));
    }
    const reply = route(method, segments, body ?? {}, request, fault);
    if (fault?.kind === "delay-answer") await delay(fault.ms);
    if (fault?.kind === "reset-after") return reset(response, record);
    if (fault?.kind === "malformed-json" && reply.status < 300) return send(response, record, { status: 200, text: '{"success": tru' });
    send(response, record, reply);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    store,
    faults,
    requests,
    reset() {
      requests.length = 0;
      peakInFlight = inFlight;
      faults.reset();
      store.clear(seededRepos);
    },
    acceptToken,
    expireToken: (token) => accessTokens.set(token, 0),
    expireAccessTokens: () => {
      for (const token of accessTokens.keys()) accessTokens.set(token, 0);
    },
    get peakInFlight() {
      return peakInFlight;
    },
    refuseRepo(repoId, status) {
      if (status === undefined) refused.delete(repoId);
      else refused.set(repoId, status);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function validateKeyBody(method: string, body: Record<string, unknown>): Reply | undefined {
  if (method !== "POST" && method !== "PUT") return undefined;
  if (typeof body.name !== "string" || body.name.trim() === "") return error(400, "INVALID_REQUEST", "name is required");
  if (typeof body.accessType !== "string" || !ACCESS_TYPES.includes(body.accessType)) {
    return error(400, "INVALID_REQUEST", "accessType must be READ, WRITE or ADMIN");
  }
  return undefined;
}

function withCreatedAt(createdAt: string | undefined): { createdAt?: string } {
  return createdAt === undefined ? {} : { createdAt };
}

function send(response: ServerResponse, record: RecordedRequest, reply: Reply): void {
  record.status = reply.status;
  const payload = reply.text ?? JSON.stringify(reply.body ?? {});
  response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
  response.end(payload);
}

function reset(response: ServerResponse, record: RecordedRequest): void {
  record.status = "reset";
  response.socket?.resetAndDestroy();
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Refresh tokens and passwords are secrets; the record keeps only that one was sent. */
function redactBody(body: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...body };
  for (const field of ["refreshToken", "refresh_token", "password"]) if (field in copy) copy[field] = "[redacted]";
  return copy;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
