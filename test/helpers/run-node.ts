import { execFile } from "node:child_process";
import { resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "../..");

/**
 * Runs a CommonJS snippet in a plain `node` child: code that vitest transformed cannot be
 * serialized by Pulumi, so serialization is always tested on the built `dist/`.
 */
export function runNode(script: string, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ["--no-warnings", "-e", script],
      { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolvePromise(stdout)),
    );
  });
}
