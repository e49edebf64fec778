import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { RELEASE_PYTHON, VERDACCIO_DIR } from "../../testkit/release-tools";

/*
 * Real package registries on 127.0.0.1 for the release rehearsal (test/e2e/release-rehearsal.test.ts),
 * each a child process of its own, stopped by `close`. Their upstreams are the registries this
 * machine's npm and pip are configured for, read when they start and written nowhere.
 */

/** A running registry: where it answers, and how to stop it. */
export interface Registry {
  url: string;
  close(): Promise<void>;
}

export interface NpmRegistry extends Registry {
  /** A token of a user the registry lets publish, for NODE_AUTH_TOKEN. */
  token: string;
}

export interface PythonIndex extends Registry {
  /** The simple index pip installs from. */
  indexUrl: string;
  /** The distributions uploaded so far, by file name. */
  packages(): string[];
}

/** The package scope the registry holds itself, never asks its upstream for: what the rehearsal installs is what it published. */
const OWN_SCOPE = "@flashbacktech/*";

/** verdaccio's server, started with a configuration object: the upstream's address reaches it in the environment, not a file. */
const VERDACCIO_LAUNCHER = `
const { runServer } = require(require.resolve("verdaccio", { paths: [process.env.VERDACCIO_DIR] }));
runServer(JSON.parse(process.env.VERDACCIO_CONFIG)).then((server) =>
  server.listen(0, "127.0.0.1", () => console.log("listening on " + server.address().port)));
`;

/**
 * verdaccio with its storage in `dir`: `@flashbacktech/*` only from what is published to it, every
 * other package from the registry this machine's npm is configured for (`npm config get
 * registry`), as a company's registry proxies the public one. A TypeScript program needs
 * `@pulumi/pulumi` and some 200 packages under it; publishing those into the registry would
 * rehearse nothing of ours, and npm's cache alone cannot answer a new registry's metadata.
 */
export async function startVerdaccio(dir: string): Promise<NpmRegistry> {
  const upstream = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim();
  const config = {
    self_path: join(dir, "config.yaml"),
    configPath: join(dir, "config.yaml"),
    storage: join(dir, "storage"),
    auth: { htpasswd: { file: join(dir, "htpasswd"), max_users: 1 } },
    uplinks: { upstream: { url: upstream, cache: false, timeout: "60s" } },
    packages: {
      [OWN_SCOPE]: { access: "$all", publish: "$authenticated" },
      "**": { access: "$all", publish: "$authenticated", proxy: "upstream" },
    },
    log: { type: "stdout", format: "pretty", level: "error" },
  };
  mkdirSync(config.storage, { recursive: true });
  const child = spawn(process.execPath, ["-e", VERDACCIO_LAUNCHER], {
    env: { ...process.env, VERDACCIO_DIR, VERDACCIO_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await lineOf(child, /listening on (\d+)/, "verdaccio");
  const url = `http://127.0.0.1:${port}/`;
  const token = await addUser(url, "rehearsal", "rehearsal-password");
  return { url, token, close: () => stop(child) };
}

/** The token of a new user, as `npm adduser` gets one. */
async function addUser(registry: string, name: string, password: string): Promise<string> {
  const response = await fetch(`${registry}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password }),
  });
  const answer = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || answer.token === undefined) throw new Error(`verdaccio refused a user: ${response.status} ${answer.error ?? ""}`);
  return answer.token;
}

/**
 * pypiserver serving and taking uploads into `dir` (no authentication), and sending pip to the
 * index this machine's pip is configured for for every other project (its fallback), as a
 * company's index does: `pulumi_flashback` can only come from what was uploaded.
 */
export async function startPypiServer(dir: string): Promise<PythonIndex> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const fallback = configuredPipIndex();
  const child = spawn(
    RELEASE_PYTHON,
    [
      "-m",
      "pypiserver",
      "run",
      "-i",
      "127.0.0.1",
      "-p",
      String(port),
      "-a",
      ".",
      "-P",
      ".",
      ...(fallback ? ["--fallback-url", fallback] : []),
      dir,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const url = `http://127.0.0.1:${port}/`;
  await answering(url, child, "pypiserver");
  return { url, indexUrl: `${url}simple/`, packages: () => readdirSync(dir).sort(), close: () => stop(child) };
}

/** The index pip installs from here (PIP_INDEX_URL, else pip's configuration), or undefined for pip's and pypiserver's default. */
function configuredPipIndex(): string | undefined {
  if (process.env.PIP_INDEX_URL) return process.env.PIP_INDEX_URL.replace(/\/?$/, "/");
  const listed = execFileSync(RELEASE_PYTHON, ["-m", "pip", "config", "list"], { encoding: "utf8" });
  const configured = /^[^=]*\.index-url='([^']+)'$/m.exec(listed)?.[1];
  return configured?.replace(/\/?$/, "/");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits for the first line of `child`'s output that matches `pattern`; its first group. */
function lineOf(child: ChildProcess, pattern: RegExp, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let printed = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${printed}`)), 60_000);
    const read = (chunk: Buffer) => {
      printed += chunk.toString();
      const match = pattern.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => reject(new Error(`${name} exited with ${code} before it listened:\n${printed}`)));
  });
}

/** Polls `url` until it answers, or `child` exits. */
async function answering(url: string, child: ChildProcess, name: string): Promise<void> {
  let printed = "";
  child.stderr?.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  for (const started = Date.now(); Date.now() - started < 60_000;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${printed}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer ${url} within 60 s:\n${printed}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.on("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
