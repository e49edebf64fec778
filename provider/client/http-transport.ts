import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Got } from "got" with { "resolution-mode": "import" };
import { describeNetworkFailure, type NetworkFailure } from "./to-flashback-error";

/** One HTTP exchange, as the client needs it: no got types leak past this file. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Relative to the base URL, already encoded. */
  path: string;
  token?: string | undefined;
  body?: unknown;
  /** How long this request may take: `requestTimeout`, or less where the operation's deadline is nearer. */
  timeoutMs?: number;
}

export type HttpResult =
  | {
      kind: "response";
      status: number;
      statusText: string;
      /** The headers the client reads: the rate limit's wait, the server's clock, a paged list's next link. */
      retryAfter: string | undefined;
      date: string | undefined;
      link: string | undefined;
      text: string;
    }
  | ({ kind: "network" } & NetworkFailure);

export type HttpTransport = (request: HttpRequest) => Promise<HttpResult>;

export interface TransportOptions {
  /** Base URL ending in `/`. */
  baseUrl: string;
  timeoutMs: number;
  maxSockets: number;
}

let gotModule: Promise<{ default: Got }> | undefined;

// got is an ES module; this package is CommonJS, so it is loaded with import(), once per process.
function loadGotModule(): Promise<{ default: Got }> {
  return (gotModule ??= import("got"));
}

/**
 * Starts loading got (about 140 ms) without waiting for it. Called when the provider is
 * configured, so the load overlaps with the engine running the program instead of delaying the
 * first create. A failure shows up at the first request instead.
 */
export function preloadGot(): void {
  loadGotModule().catch(() => undefined);
}

/**
 * A transport on got. Retries are off here: the client owns them, so that they share one gate and
 * one deadline. Keep-alive agents keep a deployment of hundreds of keys from paying a TCP and TLS
 * handshake per call.
 */
export function createGotTransport(options: TransportOptions): HttpTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  const agent = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  let instance: Promise<Got> | undefined;
  const loadGot = (): Promise<Got> =>
    (instance ??= loadGotModule().then(({ default: got }) =>
      got.extend({
        prefixUrl: options.baseUrl,
        agent,
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        timeout: { request: options.timeoutMs },
        responseType: "text",
        headers: { accept: "application/json", "user-agent": "flashback-pulumi" },
      }),
    ));

  return async (request) => {
    const got = await loadGot();
    try {
      const response = await got(request.path, {
        method: request.method,
        headers: request.token === undefined ? {} : { authorization: `Bearer ${request.token}` },
        ...(request.body === undefined ? {} : { json: request.body }),
        ...(request.timeoutMs === undefined ? {} : { timeout: { request: request.timeoutMs } }),
      });
      const header = (name: string): string | undefined => {
        const value = response.headers[name];
        return typeof value === "string" ? value : undefined;
      };
      return {
        kind: "response",
        status: response.statusCode,
        statusText: response.statusMessage ?? "",
        retryAfter: header("retry-after"),
        date: header("date"),
        link: header("link"),
        text: response.body,
      };
    } catch (error) {
      // Only primitives leave this block: the got error holds the Authorization header.
      return { kind: "network", ...describeNetworkFailure(error) };
    }
  };
}
