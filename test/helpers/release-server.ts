import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";

/** A folder of release assets over HTTP on 127.0.0.1, as a GitHub release or a company mirror serves it. */
export interface ReleaseServer {
  url: string;
  /** Paths asked for with GET, in order. */
  requested: string[];
  /** Names uploaded with PUT, in order. */
  uploaded: string[];
  close(): Promise<void>;
}

/**
 * Serves the files of `dir` (GET), and takes uploads into it (PUT `/<name>`), as the publishing
 * script's `release-assets --upload-to` sends them. Only a folder's own names: no subfolders.
 */
export async function serveReleases(dir: string): Promise<ReleaseServer> {
  mkdirSync(dir, { recursive: true });
  const requested: string[] = [];
  const uploaded: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? "/").split("?")[0] as string);
    const file = join(dir, basename(path));
    if (request.method === "PUT") {
      return void readBody(request).then((body) => {
        writeFileSync(file, body);
        uploaded.push(basename(path));
        response.writeHead(201).end();
      });
    }
    requested.push(path);
    if (!existsSync(file)) return void response.writeHead(404).end();
    // The CLI checks the length it is told against what it read.
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(file).size });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    uploaded,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
