import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "./run-node";

/**
 * Why this source tree cannot give the release what it takes from git (the Go SDK module is zipped
 * from the files git holds, and tagged at HEAD), or undefined in a git checkout with a commit.
 */
export function noGitCheckoutReason(dir: string = REPO_ROOT): string | undefined {
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: dir, encoding: "utf8" });
  if (result.error !== undefined)
    return `git is not on the PATH (${result.error.message}), and the release takes the Go SDK from what git holds`;
  if (result.status === 0) return undefined;
  const said = result.stderr.trim().split("\n")[0];
  return `${dir} is not a git checkout with a commit${said ? ` (${said})` : ""}, and the release takes the Go SDK from what git holds`;
}

/**
 * A suite that needs git, on top of what else it needs: skipped with the reason in its title off
 * CI; under CI=true it runs, and its beforeAll fails with the reason (requireGitCheckout).
 */
export function needsGit(suite: { skip: boolean; title: string }): { skip: boolean; title: string } {
  const reason = suite.skip ? undefined : noGitCheckoutReason();
  if (reason === undefined || process.env.CI === "true") return suite;
  return { skip: true, title: `${suite.title} — skipped: ${reason}` };
}

/** The first step of a suite that needs git: fails, saying why, where there is none. */
export function requireGitCheckout(): void {
  const reason = noGitCheckoutReason();
  if (reason !== undefined) throw new Error(reason);
}
