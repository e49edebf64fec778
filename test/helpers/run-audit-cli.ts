import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./run-node";

/** The built `flashback-audit`, as `npx flashback-audit` runs it. */
export const AUDIT_CLI = join(REPO_ROOT, "dist", "provider", "audit", "cli.js");

export interface AuditRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the audit in a child `node`, asynchronously: the emulator it asks lives in the test's own
 * process, which must stay free to answer.
 */
export function runAuditCli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<AuditRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [AUDIT_CLI, ...args],
      { env: { PATH: process.env.PATH, ...options.env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }),
    );
    child.stdin?.end(options.stdin ?? "");
  });
}
