#!/usr/bin/env node
/*
 * `pulumi-language-python`: runs a Python program with the `pulumi` package of its virtual
 * environment (`runtime.options.virtualenv` in Pulumi.yaml) or of `python3`, through
 * python-exec.py; generates SDKs with the CLI's Python code generator; links a generated SDK by
 * adding its folder to requirements.txt, and installs requirements.txt into the virtual
 * environment, creating it if needed (pip, as Pulumi's host does by default); announces the
 * plugins its installed SDKs name, so that the CLI installs those it lacks.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateWithGenSdk } from "./gen-sdk";
import {
  configEnvironment,
  runnerFlags,
  runToEnd,
  serveLanguageHost,
  type Launch,
  type Output,
  type ProgramFolder,
  announcedPlugin,
  type ProgramRun,
  type RequiredPackage,
} from "./serve";

/** The program runner, beside the host: beside its source, and copied beside its bundle (testkit/stand-in-hosts.ts). */
const EXEC_SCRIPT = join(__dirname, "python-exec.py");
const SYSTEM_PYTHON = process.env.PULUMI_PYTHON_CMD ?? "python3";

function virtualenvOf(program: ProgramFolder): string | undefined {
  const { virtualenv } = program.options;
  return typeof virtualenv === "string" && virtualenv !== "" ? resolve(program.directory, virtualenv) : undefined;
}

function pythonOf(program: ProgramFolder): string {
  const virtualenv = virtualenvOf(program);
  return virtualenv === undefined ? SYSTEM_PYTHON : join(virtualenv, "bin", "python");
}

async function launch(run: ProgramRun): Promise<Launch | { error: string }> {
  const program = { directory: run.programDirectory, options: run.options };
  const python = pythonOf(program);
  if (virtualenvOf(program) !== undefined && !existsSync(python)) {
    return { error: `The virtual environment ${virtualenvOf(program)} does not exist: run pulumi install` };
  }
  return {
    command: python,
    args: ["-u", EXEC_SCRIPT, ...runnerFlags(run), join(run.programDirectory, run.entryPoint), ...run.args],
    env: {
      ...process.env,
      ...configEnvironment(run),
    },
  };
}

async function link(program: ProgramFolder, paths: string[]): Promise<string> {
  const requirementsFile = join(program.directory, "requirements.txt");
  const requirements = existsSync(requirementsFile) ? readFileSync(requirementsFile, "utf8").split("\n").filter(Boolean) : [];
  const missing = paths.filter((path) => !requirements.includes(path));
  writeFileSync(requirementsFile, [...requirements, ...missing].join("\n") + "\n");
  const modules = paths.flatMap((path) =>
    readdirSync(join(program.directory, path)).filter((entry) => existsSync(join(program.directory, path, entry, "__init__.py"))),
  );
  return `You can then import the SDK in your Python code with:\n\n${modules.map((module) => `  import ${module}`).join("\n")}\n`;
}

async function installDependencies(program: ProgramFolder, output: Output): Promise<void> {
  const virtualenv = virtualenvOf(program);
  if (virtualenv !== undefined && !existsSync(pythonOf(program))) {
    await runToEnd(SYSTEM_PYTHON, ["-m", "venv", virtualenv], program.directory, output);
  }
  if (!existsSync(join(program.directory, "requirements.txt"))) return;
  await runToEnd(
    pythonOf(program),
    ["-m", "pip", "install", "--disable-pip-version-check", "-r", "requirements.txt"],
    program.directory,
    output,
  );
}

/**
 * What Pulumi's Python host announces (GetRequiredPackages): the plugin named by the
 * `pulumi-plugin.json` beside the `__init__.py` of each package installed in the program's
 * environment; its name defaults to the package's (without `pulumi_`), its version to the
 * distribution's. Listed with the program's own Python, so its virtual environment decides.
 */
const PLUGIN_MANIFESTS_SCRIPT = `
import importlib.metadata, json
found = []
for dist in importlib.metadata.distributions():
    for file in dist.files or []:
        if len(file.parts) != 2 or file.parts[1] != "pulumi-plugin.json":
            continue
        try:
            manifest = json.loads(dist.locate_file(file).read_text())
        except (OSError, ValueError):
            continue
        found.append({"manifest": manifest, "name": file.parts[0].removeprefix("pulumi_"), "version": dist.version})
print(json.dumps(found))
`;

async function requiredPackages(program: ProgramFolder): Promise<RequiredPackage[]> {
  const listed = spawnSync(pythonOf(program), ["-c", PLUGIN_MANIFESTS_SCRIPT], { cwd: program.directory, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`reading the installed packages' pulumi-plugin.json failed: ${listed.stderr.trim()}`);
  const manifests = JSON.parse(listed.stdout) as Array<{ manifest: unknown; name: string; version: string }>;
  return manifests.flatMap(({ manifest, ...fallback }) => announcedPlugin(manifest, fallback) ?? []);
}

function about(): { executable: string; version: string } {
  const version = spawnSync(SYSTEM_PYTHON, ["--version"], { encoding: "utf8" });
  return { executable: SYSTEM_PYTHON, version: version.stdout.trim().replace(/^Python /, "") };
}

serveLanguageHost({
  name: "python",
  launch,
  about,
  generatePackage: generateWithGenSdk("python"),
  link,
  installDependencies,
  requiredPackages,
});
