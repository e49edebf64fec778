import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareGoVersions, goVersionFloor } from "../../scripts/go-version-floor";

/** Go versions as go.mod files write them: `1.N`, `1.N.P`, and prereleases `1.NrcK`, `1.NbetaK`. */
const goVersion = fc.oneof(
  fc.tuple(fc.nat(30), fc.nat(12)).map(([minor, patch]) => `1.${minor}.${patch}`),
  fc.nat(30).map((minor) => `1.${minor}`),
  fc.tuple(fc.nat(30), fc.constantFrom("rc", "beta"), fc.integer({ min: 1, max: 3 })).map(([minor, stage, n]) => `1.${minor}${stage}${n}`),
);

describe("the lowest go line sdk/go may declare", () => {
  it("is the highest go line among the dependencies, the main module's own aside", () => {
    const modules = [
      { Path: "github.com/flashbacknetwork/pulumi-flashback/sdk/go", Main: true, GoVersion: "1.27" },
      { Path: "github.com/pulumi/pulumi/sdk/v3", GoVersion: "1.26.6" },
      { Path: "golang.org/x/sys", GoVersion: "1.26.0" },
      { Path: "github.com/blang/semver" },
      { Path: "golang.org/x/text", GoVersion: "1.9" },
    ];
    expect(goVersionFloor(modules)).toBe("1.26.6");
  });

  it("orders versions as Go does: 1.9 before 1.21, the language version 1.21 before 1.21rc1 before 1.21.0", () => {
    for (const [lower, higher] of [
      ["1.9", "1.21"],
      ["1.21", "1.21beta1"],
      ["1.21rc2", "1.21.0"],
      ["1.21beta1", "1.21rc1"],
      ["1.26.0", "1.26.6"],
      ["1.26.6", "1.27rc1"],
    ] as const) {
      expect(compareGoVersions(lower, higher), `${lower} < ${higher}`).toBeLessThan(0);
      expect(compareGoVersions(higher, lower), `${higher} > ${lower}`).toBeGreaterThan(0);
    }
    expect(compareGoVersions("1.26.6", "1.26.6")).toBe(0);
  });

  it("is one of the dependencies' lines and no lower than any of them", () => {
    fc.assert(
      fc.property(fc.array(goVersion, { minLength: 1, maxLength: 30 }), (versions) => {
        const floor = goVersionFloor(versions.map((GoVersion, index) => ({ Path: `m${index}`, GoVersion })));
        expect(versions).toContain(floor);
        for (const version of versions) expect(compareGoVersions(floor, version)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("refuses what is not a Go version, naming it", () => {
    expect(() =>
      goVersionFloor([
        { Path: "m", GoVersion: "go1.21" },
        { Path: "n", GoVersion: "1.22" },
      ]),
    ).toThrow('"go1.21" is not a Go version');
  });
});
