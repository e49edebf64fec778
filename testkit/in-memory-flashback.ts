import type { HttpRequest, HttpResult, HttpTransport } from "../provider/client/http-transport";

/*
 * Flashback's repository API key endpoints in memory, stated from Flashback's documentation
 * (shared/flashback-api.md) and nothing of the provider's: its own paths, its own envelope, its own
 * error bodies, its own clock. Where the documentation leaves a shape open ("ISO timestamp", a
 * `Date` header or not, whether a name must be unique, what a 404 means), the answer shape is a
 * switch, so that a model can try every reading against the real lifecycle.
 */

/** How `createdAt` is written: with `Z`, with an offset, without a zone (Flashback documents only "ISO timestamp"), or not at all. */
export type CreatedAtShape = "utc" | "offset" | "zoneless" | "missing";

export interface AnswerShapes {
  createdAt: CreatedAtShape;
  /** The offset a `createdAt` of shape "offset" is written in, in minutes east of UTC (540 for `+09:00`). */
  offsetMinutes: number;
  /** Whole seconds (`2026-12-02T10:00:00Z`) or milliseconds (`…:00.123Z`). */
  createdAtPrecision: "seconds" | "milliseconds";
  /** Whether answers carry a `Date` header (IMF-fixdate, whole seconds), as HTTP servers usually do. */
  dateHeader: boolean;
  /**
   * Whether a second key may take a name the repository already has. Flashback documents neither;
   * refused, a create or rename answers 409 `{success: false, error_code: "APIKEY_NAME_TAKEN"}`.
   */
  duplicateNames: "accept" | "refuse";
  /**
   * Flashback runs on several servers whose clocks a fleet keeps within a few seconds: server 0 is
   * on time, server 1 this far ahead, server 2 this far behind. Each stamps the `createdAt` of the
   * keys it makes and the `Date` of its answers with its own clock.
   */
  serverClockSpreadMs: number;
}

export const PLAIN_SHAPES: AnswerShapes = {
  createdAt: "utc",
  offsetMinutes: 0,
  createdAtPrecision: "milliseconds",
  dateHeader: true,
  duplicateNames: "accept",
  serverClockSpreadMs: 0,
};

/** A key as Flashback holds it, with what a model needs to judge afterwards: who made, renamed and deleted it, and when. */
export interface StoredKey {
  id: string;
  repoId: string;
  name: string;
  accessType: string;
  key: string;
  /** The plaintext secret: shown once, in the create answer, and never again. */
  secret: string;
  createdAtMs: number;
  /** `createdAt` as the server that made it stamped it, by its own clock. */
  stampedAtMs: number;
  /** Whatever tag the caller passed: Flashback never reads it. */
  createdBy: unknown;
  renames: Array<{ name: string; atMs: number; by: unknown }>;
  deletedAtMs?: number;
  deletedBy?: unknown;
}

/** How a repository answers a token that lost sight of it: the keys stay and keep working. */
export type Refusal = { status: 403 | 404; methods: "lists" | "all" };

export interface InMemoryFlashbackOptions {
  /** Flashback's own clock, epoch milliseconds. */
  clock: () => number;
  repos: readonly string[];
  accessTokens: readonly string[];
  shapes?: AnswerShapes;
  /** Which server answers each request, in the order they come (0 once the list runs out). */
  servers?: readonly number[];
}

const ACCESS_LEVELS = ["READ", "WRITE", "ADMIN"];

/** A request and the moment Flashback acted on it, for reports: never a secret. */
export interface AppliedRequest {
  atMs: number;
  method: string;
  path: string;
  status: number;
  by: unknown;
  /** Which server answered: 0 on time, 1 ahead, 2 behind. */
  server: number;
}

export class InMemoryFlashback {
  readonly #clock: () => number;
  readonly #repos: Map<string, Map<string, StoredKey>>;
  readonly #tokens: Set<string>;
  readonly #refusals = new Map<string, Refusal>();
  readonly #tombstones: StoredKey[] = [];
  #serial = 0;
  #handled = 0;
  readonly #servers: readonly number[];
  shapes: AnswerShapes;
  readonly applied: AppliedRequest[] = [];

  constructor(options: InMemoryFlashbackOptions) {
    this.#clock = options.clock;
    this.#repos = new Map(options.repos.map((repoId) => [repoId, new Map()]));
    this.#tokens = new Set(options.accessTokens);
    this.shapes = options.shapes ?? PLAIN_SHAPES;
    this.#servers = options.servers ?? [];
  }

  /** An HttpTransport that Flashback answers at once; `via` puts a network in between (latency, lost answers, kills). */
  transport(by?: () => unknown, via?: (request: HttpRequest, apply: () => HttpResult) => Promise<HttpResult>): HttpTransport {
    return (request) => {
      // Who sent it is read when it is sent: Flashback may act on it later, from another context.
      const sender = by?.();
      const apply = (): HttpResult => this.handle(request, sender);
      return via ? via(request, apply) : Promise.resolve(apply());
    };
  }

  /** From now on the repository answers this token as if it were not its own (`undefined`: normally again). */
  refuse(repoId: string, refusal: Refusal | undefined): void {
    if (refusal === undefined) this.#refusals.delete(repoId);
    else this.#refusals.set(repoId, refusal);
  }

  /** A key somebody made in the console: it belongs to no stack. */
  seed(repoId: string, name: string, accessType = "READ", by: unknown = "console"): StoredKey {
    return this.#create(this.#repo(repoId), repoId, name, accessType, by, this.#clock());
  }

  /** A rename in the console, outside any deployment. */
  renameByHand(repoId: string, keyId: string, name: string, by: unknown = "console"): boolean {
    const stored = this.#repos.get(repoId)?.get(keyId);
    if (stored === undefined) return false;
    stored.name = name;
    stored.renames.push({ name, atMs: this.#clock(), by });
    return true;
  }

  /** The live keys of a repository, in the order they were made. */
  keys(repoId: string): StoredKey[] {
    return [...(this.#repos.get(repoId)?.values() ?? [])];
  }

  allKeys(): StoredKey[] {
    return [...this.#repos.values()].flatMap((keys) => [...keys.values()]);
  }

  find(keyId: string): StoredKey | undefined {
    return this.allKeys().find((key) => key.id === keyId);
  }

  /** A deleted key, with who deleted it. */
  tombstone(keyId: string): StoredKey | undefined {
    return this.#tombstones.find((key) => key.id === keyId);
  }

  /** Every key ever made, live or deleted. */
  everyKey(): StoredKey[] {
    return [...this.allKeys(), ...this.#tombstones];
  }

  /** Acts on one request now, by Flashback's clock, and answers it. */
  handle(request: HttpRequest, by: unknown): HttpResult {
    const server = this.#servers[this.#handled++] ?? 0;
    const serverNow = this.#clock() + ([0, 1, -1][server % 3] ?? 0) * this.shapes.serverClockSpreadMs;
    const result = this.#route(request, by, serverNow);
    this.applied.push({ atMs: this.#clock(), method: request.method, path: request.path, status: result.status, by, server: server % 3 });
    return {
      kind: "response",
      status: result.status,
      statusText: STATUS_TEXT[result.status] ?? "",
      retryAfter: undefined,
      date: this.shapes.dateHeader ? imfFixdate(serverNow) : undefined,
      link: undefined,
      text: JSON.stringify(result.body),
    };
  }

  #route(request: HttpRequest, by: unknown, serverNow: number): { status: number; body: unknown } {
    // Paths as the documentation gives them, relative to the base URL: repo/{repoId}/apikey[/{apikeyId}].
    const segments = request.path.replace(/^\//, "").split("?")[0]!.split("/").map(decodeSegment);
    if (segments.some((segment) => segment === undefined)) return failure(400, "INVALID_PATH", "Path is not valid percent-encoding");
    const [root, repoId, collection, keyId, ...rest] = segments as string[];
    if (root !== "repo" || repoId === undefined || collection !== "apikey" || rest.length > 0) {
      return failure(404, "NOT_FOUND", "No such endpoint");
    }
    if (request.token === undefined || !this.#tokens.has(request.token)) {
      return failure(401, "NO_AUTH_USER", "Missing, invalid or expired access token");
    }
    const refusal = this.#refusals.get(repoId);
    if (refusal !== undefined && (refusal.methods === "all" || (request.method === "GET" && keyId === undefined))) {
      return refusal.status === 403
        ? failure(403, "INSUFFICIENT_PERMISSIONS", "User does not have permission on this repository")
        : failure(404, "REPO_NOT_FOUND", "Repository not found");
    }
    const keys = this.#repos.get(repoId);
    if (keys === undefined) return failure(404, "REPO_NOT_FOUND", "Repository not found");
    if (keyId === undefined) {
      if (request.method === "GET")
        return { status: 200, body: { success: true, keys: [...keys.values()].map((key) => this.#listed(key)) } };
      if (request.method === "POST") return this.#post(keys, repoId, request.body, by, serverNow);
      return failure(405, "METHOD_NOT_ALLOWED", "Method not allowed");
    }
    const stored = keys.get(keyId);
    if (request.method === "PUT") {
      const invalid = invalidBody(request.body);
      if (invalid !== undefined) return invalid;
      if (stored === undefined) return failure(404, "APIKEY_NOT_FOUND", "API key not found");
      const { name, accessType } = request.body as { name: string; accessType: string };
      if (this.#nameTaken(keys, name, keyId)) return failure(409, "APIKEY_NAME_TAKEN", "An API key with this name already exists");
      if (name !== stored.name) stored.renames.push({ name, atMs: this.#clock(), by });
      stored.name = name;
      stored.accessType = accessType;
      return { status: 200, body: { success: true, message: "API key updated" } };
    }
    if (request.method === "DELETE") {
      if (stored === undefined) return failure(404, "APIKEY_NOT_FOUND", "API key not found");
      keys.delete(keyId);
      stored.deletedAtMs = this.#clock();
      stored.deletedBy = by;
      this.#tombstones.push(stored);
      return { status: 200, body: { success: true, message: "API key deleted" } };
    }
    return failure(405, "METHOD_NOT_ALLOWED", "Method not allowed");
  }

  #post(keys: Map<string, StoredKey>, repoId: string, body: unknown, by: unknown, serverNow: number): { status: number; body: unknown } {
    const invalid = invalidBody(body);
    if (invalid !== undefined) return invalid;
    const { name, accessType } = body as { name: string; accessType: string };
    if (this.#nameTaken(keys, name, undefined)) return failure(409, "APIKEY_NAME_TAKEN", "An API key with this name already exists");
    const stored = this.#create(keys, repoId, name, accessType, by, serverNow);
    return { status: 200, body: { success: true, id: stored.id, key: stored.key, secret: stored.secret } };
  }

  #create(keys: Map<string, StoredKey>, repoId: string, name: string, accessType: string, by: unknown, stampedAtMs: number): StoredKey {
    this.#serial += 1;
    const serial = this.#serial.toString(16).padStart(12, "0");
    const stored: StoredKey = {
      id: `7f3c2a10-0000-4000-8000-${serial}`,
      repoId,
      name,
      accessType,
      key: `FBKEY${serial.toUpperCase()}`,
      secret: `fbsecret-${serial}-${(this.#serial * 2654435761).toString(36)}`,
      createdAtMs: this.#clock(),
      stampedAtMs,
      createdBy: by,
      renames: [],
    };
    keys.set(stored.id, stored);
    return stored;
  }

  #nameTaken(keys: Map<string, StoredKey>, name: string, except: string | undefined): boolean {
    return this.shapes.duplicateNames === "refuse" && [...keys.values()].some((key) => key.name === name && key.id !== except);
  }

  #repo(repoId: string): Map<string, StoredKey> {
    let keys = this.#repos.get(repoId);
    if (keys === undefined) this.#repos.set(repoId, (keys = new Map()));
    return keys;
  }

  /** A key as the list shows it: no plaintext secret, an encrypted envelope instead; `createdAt` in the shape chosen. */
  #listed(key: StoredKey): Record<string, unknown> {
    const createdAt = formatCreatedAt(key.stampedAtMs, this.shapes);
    return {
      id: key.id,
      name: key.name,
      accessType: key.accessType,
      key: key.key,
      secret: { key: "k1", iv: "aXY=", authTag: "dGFn", message: "ZW5jcnlwdGVk" },
      ...(createdAt === undefined ? {} : { createdAt }),
    };
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
};

function failure(status: number, errorCode: string, message: string): { status: number; body: unknown } {
  return { status, body: { success: false, error_code: errorCode, message } };
}

function invalidBody(body: unknown): { status: number; body: unknown } | undefined {
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof fields.name !== "string" || fields.name.trim() === "") return failure(400, "INVALID_BODY", "name is required");
  if (typeof fields.accessType !== "string" || !ACCESS_LEVELS.includes(fields.accessType)) {
    return failure(400, "INVALID_BODY", "accessType must be READ, WRITE or ADMIN");
  }
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** RFC 9110's IMF-fixdate, as a `Date` header carries it: whole seconds, GMT. */
export function imfFixdate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

/** `createdAt` in one of the shapes an "ISO timestamp" may take. */
export function formatCreatedAt(ms: number, shapes: AnswerShapes): string | undefined {
  if (shapes.createdAt === "missing") return undefined;
  const offsetMs = shapes.createdAt === "offset" ? shapes.offsetMinutes * 60_000 : 0;
  // toISOString of the moment shifted by the offset gives the wall time at that offset.
  const wall = new Date(ms + offsetMs).toISOString();
  const trimmed = shapes.createdAtPrecision === "seconds" ? `${wall.slice(0, 19)}Z` : wall;
  const bare = trimmed.slice(0, -1);
  if (shapes.createdAt === "zoneless") return bare;
  if (shapes.createdAt === "utc") return trimmed;
  const sign = shapes.offsetMinutes < 0 ? "-" : "+";
  const minutes = Math.abs(shapes.offsetMinutes);
  return `${bare}${sign}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
