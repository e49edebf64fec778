import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { missingEncryptionTools } from "../../testkit/decrypt-with-tools";
import { encryptionToolsSuite } from "../../testkit/encryption-tools-suite";
import type * as FindPulumiCli from "../../testkit/find-pulumi-cli";

// The CLI is taken as found, so that only the age/gpg half of the decision is under test.
vi.mock("../../testkit/find-pulumi-cli", async (importOriginal) => ({
  ...(await importOriginal<typeof FindPulumiCli>()),
  realCliSuite: (title: string) => ({ skip: false, title }),
}));

/*
 * How the encryptTo suites start where Debian's age and gpg may be missing: skipped with the reason
 * in the title on a laptop, never skipped under CI=true (so the suite runs and fails, as .ci/run wants).
 */

const bin = mkdtempSync(join(tmpdir(), "flashback-tools-"));
const tool = (name: string, mode = 0o755): void => {
  writeFileSync(join(bin, name), "#!/bin/sh\n");
  chmodSync(join(bin, name), mode);
};
tool("age");
tool("age-keygen");
tool("gpg", 0o644); // present but not executable: does not count

afterEach(() => vi.unstubAllEnvs());
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe("missingEncryptionTools", () => {
  it("names each tool missing from the PATH, and the packages that bring them", () => {
    expect(missingEncryptionTools({ PATH: bin })).toBe(
      "gpg, gpgconf not on $PATH; install Debian's age and gnupg packages (apt-get install age gnupg), as .ci/run does",
    );
    expect(missingEncryptionTools({})).toMatch(/^age, age-keygen, gpg, gpgconf not on \$PATH/);
  });

  it("finds nothing missing once every tool is an executable on the PATH", () => {
    tool("gpg");
    tool("gpgconf");
    try {
      expect(missingEncryptionTools({ PATH: `/nonexistent:${bin}` })).toBeUndefined();
    } finally {
      tool("gpg", 0o644);
      rmSync(join(bin, "gpgconf"));
    }
  });
});

describe("encryptionToolsSuite", () => {
  it("skips without the tools, saying why in the title", () => {
    vi.stubEnv("PATH", bin);
    vi.stubEnv("CI", "");
    expect(encryptionToolsSuite("sealed keys")).toEqual({
      skip: true,
      title: `sealed keys — skipped: ${missingEncryptionTools({ PATH: bin }) ?? ""}`,
    });
  });

  it("never skips under CI=true, so that the suite fails instead", () => {
    vi.stubEnv("PATH", bin);
    vi.stubEnv("CI", "true");
    expect(encryptionToolsSuite("sealed keys")).toEqual({ skip: false, title: "sealed keys" });
  });
});
