import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { needsGit, noGitCheckoutReason } from "../helpers/git-checkout";

describe("the suites that need git", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("finds this checkout, and names a source tree without .git as none, with git's own words", () => {
    expect(noGitCheckoutReason()).toBeUndefined();
    const tree = mkdtempSync(join(tmpdir(), "flashback-no-git-"));
    try {
      expect(noGitCheckoutReason(tree)).toMatch(
        new RegExp(`^${tree} is not a git checkout with a commit .*release takes the Go SDK from what git holds$`),
      );
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it("names git missing from the PATH", () => {
    vi.stubEnv("PATH", "/nonexistent");
    expect(noGitCheckoutReason()).toMatch(/^git is not on the PATH/);
  });

  it("skip with the reason in the title off CI, and run (to fail on it) under CI=true", () => {
    vi.stubEnv("PATH", "/nonexistent");
    vi.stubEnv("CI", "");
    expect(needsGit({ skip: false, title: "release" })).toEqual({
      skip: true,
      title: expect.stringMatching(/^release — skipped: git is not on the PATH/),
    });
    expect(needsGit({ skip: true, title: "release — skipped: no CLI" })).toEqual({ skip: true, title: "release — skipped: no CLI" });
    vi.stubEnv("CI", "true");
    expect(needsGit({ skip: false, title: "release" })).toEqual({ skip: false, title: "release" });
  });
});
