import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Rotator } from "./rotate";

/** Largest body taken: ESC's `{request, state}` is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The Node `http` front: `POST` with a JSON body to any path (the audience check pins the URL), the raw bytes handed on as they came. */
export function createRotatorServer(rotator: Rotator): Server {
  return createServer((request, response) => {
    // A client that drops its connection mid-body (anyone may) fails its own request, not the adapter.
    handle(rotator, request, response).catch(() => {
      if (!response.headersSent) send(response, 400, { error: "bad request", message: "the request ended before its body did" });
      else response.destroy();
    });
  });
}

async function handle(rotator: Rotator, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "POST") return send(response, 405, { error: "method not allowed", message: "ESC rotates with POST" });
  const body = await readBody(request);
  if (body === undefined) return send(response, 413, { error: "too large", message: `the body is over ${MAX_BODY_BYTES} bytes` });
  const answer = await rotator.rotate(body, request.headers);
  send(response, answer.status, answer.body);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
