import { describe, expect, it } from "vitest";
import { pluginTarballName, unreleasableVersion } from "../../scripts/release";

describe("release artifacts", () => {
  it("are named as Pulumi names plugin tarballs, per platform", () => {
    expect(pluginTarballName("0.1.0", "linux", "x64")).toBe("pulumi-resource-flashback-v0.1.0-linux-amd64.tar.gz");
    expect(pluginTarballName("0.1.0", "darwin", "arm64")).toBe("pulumi-resource-flashback-v0.1.0-darwin-arm64.tar.gz");
    expect(pluginTarballName("0.1.0", "win32", "x64")).toBe("pulumi-resource-flashback-v0.1.0-windows-amd64.tar.gz");
    expect(() => pluginTarballName("0.1.0", "aix", "ppc64")).toThrow("no Pulumi platform name for aix-ppc64");
  });

  it("are refused for a development version, which no user could download", () => {
    expect(unreleasableVersion("0.1.0")).toBeUndefined();
    expect(unreleasableVersion("1.2.0-alpha.1")).toBeUndefined();
    expect(unreleasableVersion("0.1.0-dev")).toBe('"0.1.0-dev" is a development version');
    expect(unreleasableVersion("3.0.0-alpha.0+dev")).toBe('"3.0.0-alpha.0+dev" is a development version');
    expect(unreleasableVersion("next")).toBe('"next" is not a semantic version');
  });
});
