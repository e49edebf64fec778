import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readZip, writeModuleZip } from "../../scripts/go-module-zip.cjs";
import { escapeModulePath, npmTokenKey } from "../../scripts/publish.cjs";
import { classify, expectedArtifacts, pythonVersion } from "../../scripts/release-artifacts.cjs";

const PACKAGE = "@flashbacktech/pulumi";

describe("release artifacts, by kind", () => {
  it.each([
    ["pulumi-resource-flashback-v0.1.0-darwin-arm64.tar.gz", "plugin"],
    ["pulumi-flashback_0.1.0_checksums.txt", "checksums"],
    ["flashbacktech-pulumi-0.1.0.tgz", "npm"],
    ["pulumi_flashback-0.1.0-py3-none-any.whl", "wheel"],
    ["pulumi_flashback-0.1.0.tar.gz", "sdist"],
    ["pulumi-flashback-sdk-go-v0.1.0.zip", "go-module"],
  ])("%s is %s", (name, kind) => {
    expect(classify(name, PACKAGE, "0.1.0")).toMatchObject({ name, kind });
  });

  it.each([
    ["another version's wheel", "pulumi_flashback-0.0.9-py3-none-any.whl"],
    ["a platform Pulumi does not build", "pulumi-resource-flashback-v0.1.0-freebsd-amd64.tar.gz"],
    ["the Go module as a tarball, not the zip it ships as", "pulumi-flashback-sdk-go-v0.1.0.tar.gz"],
    ["a stray file", "notes.txt"],
  ])("%s is refused, by name", (_, name) => {
    expect(classify(name, PACKAGE, "0.1.0")).toEqual({ name, refused: `${name} is no artifact of release 0.1.0` });
  });

  it("names a pre-release's Python distributions as PEP 440 writes them, and refuses a form it has none for", () => {
    expect(pythonVersion("1.2.3")).toBe("1.2.3");
    expect(pythonVersion("1.2.3-alpha.1")).toBe("1.2.3a1");
    expect(pythonVersion("1.2.3-beta.4")).toBe("1.2.3b4");
    expect(pythonVersion("1.2.3-rc.2")).toBe("1.2.3rc2");
    expect(() => pythonVersion("1.2.3-preview")).toThrow('version "1.2.3-preview" has no PEP 440 form');
  });

  it("gives every artifact a distinct name, so that none can be taken for another", () => {
    const artifactNames = expectedArtifacts(PACKAGE, "2.0.0-rc.1").map((artifact) => artifact.name);
    expect(new Set(artifactNames).size).toBe(artifactNames.length);
    expect(artifactNames).toHaveLength(10);
  });
});

describe("the Go module zip", () => {
  it("holds every file under <module>@<version>/ and reads back byte for byte", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\/[a-z][a-z0-9_]{0,8}){0,2}\.go$/), { minLength: 1, maxLength: 6 }),
        fc.uint8Array({ maxLength: 2000 }),
        (files, bytes) => {
          const zip = join(mkdtempSync(join(tmpdir(), "flashback-zip-")), "m.zip");
          const entries = files.map((name, index) => ({ name, data: Buffer.from(bytes.subarray(0, index * 300)) }));
          writeModuleZip(zip, "example.com/m/sdk/go", "v1.2.3", entries);
          const read = readZip(zip);
          expect([...read.keys()].sort()).toEqual(files.map((name) => `example.com/m/sdk/go@v1.2.3/${name}`).sort());
          for (const entry of entries) expect(read.get(`example.com/m/sdk/go@v1.2.3/${entry.name}`)?.equals(entry.data)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("is a zip another reader takes, and the same files make the same bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "flashback-zip-"));
    const entries = [
      { name: "go.mod", data: Buffer.from("module example.com/m\n") },
      { name: "a/b.go", data: Buffer.from("package a\n".repeat(100)) },
    ];
    writeModuleZip(join(dir, "one.zip"), "example.com/m", "v0.1.0", entries);
    writeModuleZip(join(dir, "two.zip"), "example.com/m", "v0.1.0", [...entries].reverse());
    expect(readFileSync(join(dir, "one.zip")).equals(readFileSync(join(dir, "two.zip")))).toBe(true);
    // Python's own zip reader, another implementation than ours, finds the files intact.
    expect(execFileSync("python3", ["-m", "zipfile", "-t", "one.zip"], { cwd: dir, encoding: "utf8" })).toContain("Done testing");
    writeFileSync(join(dir, "not.zip"), "plain text");
    expect(() => readZip(join(dir, "not.zip"))).toThrow("is not a zip file: no end of central directory");
  });
});

describe("the publishing script's protocol details", () => {
  it("escapes module paths as the Go module proxy protocol does", () => {
    expect(escapeModulePath("github.com/flashbacknetwork/pulumi-flashback/sdk/go")).toBe(
      "github.com/flashbacknetwork/pulumi-flashback/sdk/go",
    );
    expect(escapeModulePath("github.com/BurntSushi/toml")).toBe("github.com/!burnt!sushi/toml");
  });

  it("keys a registry's token as npm reads it: the URL without its scheme, ending in /", () => {
    expect(npmTokenKey("http://127.0.0.1:4873/")).toBe("//127.0.0.1:4873/:_authToken");
    expect(npmTokenKey("https://registry.example.com/npm")).toBe("//registry.example.com/npm/:_authToken");
  });
});
