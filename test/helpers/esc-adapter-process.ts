import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "./run-node";

/** The built command, as `bin` names it. */
export const ESC_ROTATOR_CLI = join(REPO_ROOT, "dist", "provider", "esc", "cli.js");

/** A running `flashback-esc-rotator`: its URL, everything it printed, and how long it took to serve. */
export interface AdapterProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed, stdout and stderr, across restarts when shared. */
  output: string[];
  startMs: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the command (`command` with `args`, by default node on the built cli) with `env` only
 * (and PATH), and waits for its "listening on PORT" line.
 */
export function startAdapter(
  env: NodeJS.ProcessEnv,
  options: { command?: string; args?: string[]; output?: string[]; cwd?: string } = {},
): Promise<AdapterProcess> {
  const started = performance.now();
  const output = options.output ?? [];
  const child = spawn(options.command ?? process.execPath, options.args ?? [ESC_ROTATOR_CLI], {
    env: { PATH: process.env.PATH, ...env },
    cwd: options.cwd ?? REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString("utf8"));
      const port = /listening on (\d+)/.exec(output.join(""))?.[1];
      if (port !== undefined && !resolved) {
        resolved = true;
        resolve({
          url: `http://127.0.0.1:${port}/rotate`,
          port: Number(port),
          child,
          output,
          startMs: performance.now() - started,
          stop: async (signal = "SIGTERM") => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    let resolved = false;
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      if (!resolved) reject(new Error(`flashback-esc-rotator exited with ${code} before serving: ${output.join("")}`));
    });
  });
}

/** A port free now: the adapter's audience names its URL, so the port is chosen before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
