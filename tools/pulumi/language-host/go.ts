#!/usr/bin/env node
/*
 * `pulumi-language-go`: builds the Go program in its folder (`go build`, or takes the prebuilt
 * `runtime.options.binary`) and runs it with the engine's addresses and the stack config in the
 * environment variables the Go SDK's `pulumi.Run` reads; generates SDKs with the CLI's Go code
 * generator; links a generated SDK with a `replace` in go.mod, and installs with `go mod tidy`;
 * announces the plugins the SDKs it is built from name, so that the CLI installs those it lacks.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateWithGenSdk } from "./gen-sdk";
import {
  announcedPlugin,
  configEnvironment,
  runToEnd,
  serveLanguageHost,
  type Launch,
  type Output,
  type ProgramFolder,
  type ProgramRun,
  type RequiredPackage,
} from "./serve";

/** One build output per program folder, reused run after run: `go build` itself skips what has not changed. */
function buildOutputOf(directory: string): string {
  return join(tmpdir(), `pulumi-go-program-${createHash("sha256").update(directory).digest("hex").slice(0, 12)}`);
}

async function launch(run: ProgramRun): Promise<Launch | { error: string }> {
  const { binary } = run.options;
  let program: string;
  if (typeof binary === "string" && binary !== "") {
    program = resolve(run.programDirectory, binary);
  } else {
    program = buildOutputOf(run.programDirectory);
    try {
      await runToEnd("go", ["build", "-o", program, "."], run.programDirectory);
    } catch (error) {
      return { error: `unable to run \`go build\`: ${(error as Error).message}` };
    }
  }
  return {
    command: program,
    args: run.args,
    env: {
      ...process.env,
      PULUMI_MONITOR: run.monitor,
      PULUMI_ENGINE: run.engine,
      PULUMI_ORGANIZATION: run.organization,
      PULUMI_PROJECT: run.project,
      PULUMI_STACK: run.stack,
      PULUMI_ROOT_DIRECTORY: run.rootDirectory,
      PULUMI_DRY_RUN: String(run.dryRun),
      PULUMI_PARALLEL: String(run.parallel),
      ...configEnvironment(run),
    },
  };
}

function modulePathOf(sdkDirectory: string): string {
  const module = /^module\s+(\S+)/m.exec(readFileSync(join(sdkDirectory, "go.mod"), "utf8"))?.[1];
  if (module === undefined) throw new Error(`${join(sdkDirectory, "go.mod")} names no module`);
  return module;
}

async function link(program: ProgramFolder, paths: string[]): Promise<string> {
  const imports: string[] = [];
  for (const path of paths) {
    const sdk = join(program.directory, path);
    const module = modulePathOf(sdk);
    await runToEnd("go", ["mod", "edit", `-replace=${module}=./${path}`], program.directory);
    const packages = readdirSync(sdk, { withFileTypes: true }).filter(
      (entry) =>
        entry.isDirectory() && entry.name !== "internal" && readdirSync(join(sdk, entry.name)).some((file) => file.endsWith(".go")),
    );
    imports.push(...packages.map((entry) => `  import "${module}/${entry.name}"`));
  }
  return `You can then import the SDK in your Go code with:\n\n${imports.join("\n")}\n`;
}

async function installDependencies(program: ProgramFolder, output: Output): Promise<void> {
  if (existsSync(join(program.directory, "go.mod"))) await runToEnd("go", ["mod", "tidy"], program.directory, output);
}

/**
 * What Pulumi's Go host announces (GetRequiredPackages): the plugins named by the
 * `pulumi-plugin.json` of the packages the program is built from (`go list -deps`), where Pulumi's
 * Go code generator puts it, beside each SDK package.
 */
async function requiredPackages(program: ProgramFolder): Promise<RequiredPackage[]> {
  const listed = spawnSync("go", ["list", "-deps", "-f", "{{.Dir}}", "."], { cwd: program.directory, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`go list -deps failed: ${listed.stderr.trim()}`);
  const found: RequiredPackage[] = [];
  for (const directory of new Set(listed.stdout.split("\n").filter(Boolean))) {
    const file = join(directory, "pulumi-plugin.json");
    if (!existsSync(file)) continue;
    const plugin = announcedPlugin(JSON.parse(readFileSync(file, "utf8")));
    if (plugin !== undefined) found.push(plugin);
  }
  return found;
}

function about(): { executable: string; version: string } {
  const version = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  return { executable: "go", version: version.stdout.trim().replace(/^go/, "") };
}

serveLanguageHost({ name: "go", launch, about, generatePackage: generateWithGenSdk("go"), link, installDependencies, requiredPackages });
