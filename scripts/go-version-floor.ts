/*
 * The lowest `go` line a module may declare: since Go 1.21 a module's `go` line must be at least
 * that of every module in its build list (Go's docs, "go.mod files: go directive"), so the floor is
 * the highest `go` line among its dependencies' own go.mod files, as `go list -m -json all` reads
 * them from the module cache. Not the toolchain that happens to run the generator.
 */
import { execFileSync } from "node:child_process";

/** One entry of `go list -m -json all`: the fields the floor needs. */
export interface ListedModule {
  Path: string;
  Main?: boolean;
  GoVersion?: string;
}

/**
 * A Go version as a sortable key, in Go's own order (go/version): the language version `1.21`
 * before its prereleases `1.21beta1`, `1.21rc1`, before its releases `1.21.0`, `1.21.1`.
 */
function goVersionKey(version: string): number[] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+)|(beta|rc)(\d+))?$/.exec(version);
  if (match === null) throw new Error(`"${version}" is not a Go version`);
  const [, major, minor, patch, stage, stageNumber] = match;
  if (patch !== undefined) return [Number(major), Number(minor), 3, Number(patch)];
  if (stage !== undefined) return [Number(major), Number(minor), stage === "beta" ? 1 : 2, Number(stageNumber)];
  return [Number(major), Number(minor), 0, 0];
}

export function compareGoVersions(a: string, b: string): number {
  const [left, right] = [goVersionKey(a), goVersionKey(b)];
  for (let index = 0; index < left.length; index += 1) {
    const difference = left[index]! - right[index]!;
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The highest `go` line among the dependencies (the main module's own line aside). */
export function goVersionFloor(modules: readonly ListedModule[]): string {
  const versions = modules.filter((module) => module.Main !== true && module.GoVersion !== undefined).map((module) => module.GoVersion!);
  if (versions.length === 0) throw new Error("no dependency declares a go line");
  return versions.reduce((highest, version) => (compareGoVersions(version, highest) > 0 ? version : highest));
}

/** `go list -m -json all` in `dir`: one JSON object per module, each closed by a `}` alone on its line. */
export function listModules(dir: string): ListedModule[] {
  const output = execFileSync("go", ["list", "-m", "-json", "all"], { cwd: dir, encoding: "utf8" });
  return JSON.parse(`[${output.trim().replace(/^}\n{/gm, "},{")}]`) as ListedModule[];
}
