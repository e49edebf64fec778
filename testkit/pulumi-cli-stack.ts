import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { REPO_API_KEY_TYPE } from "../provider/testing";
import { findPulumiCli, NO_CLI_REASON } from "./find-pulumi-cli";

/** Flags of a command that must not stop to ask: no prompt, no preview pass before it. */
export const UNATTENDED = ["--yes", "--non-interactive", "--skip-preview"];

/** How long a command's output may trail its exit. */
const PIPE_GRACE_MS = 2_000;

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with the CLI's process id as soon as it runs: for tests that signal it. */
  onSpawn?: (pid: number) => void;
  /** Starts the CLI in a process group of its own, which a test can kill whole (`process.kill(-pid)`). */
  ownProcessGroup?: boolean;
  /** Another program's folder, of the same project, for this one command: a stack moved to a new program. */
  programDir?: string;
}

/** What one `pulumi` command did: its exit code and everything it printed. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for "appears nowhere" assertions. */
  output: string;
}

export interface CliStackOptions {
  /** The program's folder (its Pulumi.yaml). */
  programDir: string;
  stackName: string;
  /** Environment of every command, on top of an isolated Pulumi home and a file backend. */
  env?: NodeJS.ProcessEnv;
}

/**
 * One stack driven by the real `pulumi` binary, isolated from the user's own Pulumi: a temporary
 * PULUMI_HOME, a file backend in a temporary folder, no update check, no plugin downloads. The
 * stack's config file lives beside the program (Pulumi.<stack>.yaml, ignored by git) and is
 * removed with the stack.
 */
export class CliStack {
  readonly cli: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every command run on this stack and what it printed, in order: leak tests search it. */
  readonly printed: Array<{ args: string[]; output: string }> = [];
  readonly #options: CliStackOptions;

  private constructor(cli: string, options: CliStackOptions) {
    this.cli = cli;
    this.#options = options;
    this.home = mkdtempSync(join(tmpdir(), "flashback-cli-"));
    this.env = {
      ...process.env,
      PULUMI_HOME: join(this.home, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${join(this.home, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "flashback-e2e",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // Plain output that tests can read: no colour, no interactive redraws.
      PULUMI_NO_COLOR: "1",
      NO_COLOR: "1",
      ...options.env,
    };
  }

  /** A new stack; where no CLI is installed, an error that says why (what CI=true turns a skip into). */
  static async create(options: CliStackOptions): Promise<CliStack> {
    const cli = findPulumiCli();
    if (cli === undefined) throw new Error(`the real-CLI suites need a Pulumi CLI: ${NO_CLI_REASON}`);
    const stack = new CliStack(cli, options);
    mkdirSync(join(stack.home, "state"));
    await stack.run(["stack", "init", options.stackName]);
    return stack;
  }

  get stackName(): string {
    return this.#options.stackName;
  }

  /** Runs `pulumi <args>` in the program's folder on this stack; resolves with what it printed, whatever its exit code. */
  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const programDir = options.programDir ?? this.#options.programDir;
      const child = spawn(this.cli, [...args, "--cwd", programDir, ...stackFlag(args, this.stackName)], {
        cwd: programDir,
        env: { ...this.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: options.ownProcessGroup ?? false,
      });
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      let finished = false;
      const finish = (code: number | null) => {
        if (finished) return;
        finished = true;
        this.printed.push({ args, output: `${stdout}\n${stderr}` });
        resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
      };
      child.on("close", finish);
      // A killed CLI's plugins may live on holding its pipes open, so "close" may never come.
      child.on("exit", (code) => setTimeout(() => finish(code), PIPE_GRACE_MS).unref());
    });
  }

  /** Like `run`, but a non-zero exit is an error that shows what the CLI printed. */
  succeed(...args: string[]): Promise<CliResult> {
    return this.succeedWith(args);
  }

  /** `succeed`, with run options (an environment of its own, say). */
  async succeedWith(args: string[], options: RunOptions = {}): Promise<CliResult> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited with ${result.code}:\n${result.output}`);
    return result;
  }

  async setConfig(values: Record<string, string>, secret = false): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      await this.succeed("config", "set", key, value, ...(secret ? ["--secret"] : []));
    }
  }

  async removeConfig(...keys: string[]): Promise<void> {
    for (const key of keys) await this.succeed("config", "rm", key);
  }

  /** `pulumi stack export`: the state as the backend holds it, secrets as ciphertext unless asked. */
  async exportState(showSecrets = false): Promise<StateDeployment> {
    const result = await this.succeed("stack", "export", ...(showSecrets ? ["--show-secrets"] : []));
    return (JSON.parse(result.stdout) as { deployment: StateDeployment }).deployment;
  }

  async outputs(showSecrets = false): Promise<Record<string, unknown>> {
    const result = await this.succeed("stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : []));
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /**
   * The stack's checkpoint as the file backend holds it this moment, read from its file rather than
   * through the CLI: cheap enough to poll during an update. Undefined before the first write.
   */
  checkpoint(): StateDeployment | undefined {
    const file = filesUnder(join(this.home, "state")).find((path) => path.endsWith(`${sep}${this.stackName}.json`));
    if (file === undefined) return undefined;
    return (JSON.parse(readFileSync(file, "utf8")) as { checkpoint?: { latest?: StateDeployment } }).checkpoint?.latest;
  }

  /** The text of every file the stack's file backend holds: checkpoints, their backups and retained copies, history, locks. */
  backendTexts(): string[] {
    return filesUnder(join(this.home, "state")).map((file) => readFileSync(file, "utf8"));
  }

  /**
   * Removes the file backend's metadata sidecars (`*.attrs`) that a kill left empty, and returns
   * their paths. The backend replaces a checkpoint atomically but truncates its sidecar in place, so
   * a SIGKILL at that instant leaves every later command failing with `failed to load checkpoint:
   * EOF`. An absent sidecar is read as no metadata, so removing an empty one loses nothing.
   */
  removeEmptyBackendSidecars(): string[] {
    const state = join(this.home, "state");
    const empty = filesUnder(state).filter((file) => file.endsWith(".attrs") && statSync(file).size === 0);
    for (const file of empty) rmSync(file);
    return empty.map((file) => relative(state, file));
  }

  /** Destroys what the stack still holds (unless told not to), then removes it, its config file and the temporary folders. */
  async dispose(options: { destroy?: boolean } = {}): Promise<void> {
    if (options.destroy ?? true) await this.run(["destroy", ...UNATTENDED]);
    await this.run(["stack", "rm", "--yes", "--force"]);
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** The parts of `pulumi stack export` the suites read. */
export interface StateDeployment {
  resources?: StateResource[];
  pending_operations?: Array<{ type: string; resource: StateResource }>;
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

/** The dynamic RepoApiKey's type in a state; the plugin's is `flashback:index:RepoApiKey`. */
export const DYNAMIC_KEY_TYPE = REPO_API_KEY_TYPE;

/** Flashback keys in an exported state: resources of the given type, the dynamic resource's by default. */
export function keysInState(deployment: StateDeployment, type: string = DYNAMIC_KEY_TYPE): StateResource[] {
  return (deployment.resources ?? []).filter((resource) => resource.type === type);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every command here names the stack with `--stack`, but `stack init`, which takes it as its argument, and `package` and `plugin`, which have no stack. */
function stackFlag(args: string[], stackName: string): string[] {
  // `pulumi do` runs without a stack and refuses the flag.
  return (args[0] === "stack" && args[1] === "init") || ["package", "plugin", "do"].includes(args[0] ?? "") ? [] : ["--stack", stackName];
}
