import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpc, structProto } from "../../provider/engine/pulumi-protocol";
import { bundleStandInHosts } from "../../testkit/stand-in-hosts";
import { REPO_ROOT } from "../helpers/run-node";
import { announcedPlugin, languageGrpc, languageProto } from "../../tools/pulumi/language-host/serve";

/*
 * The stand-in language hosts (tools/pulumi/language-host), bundled as the set-up bundles them, over their gRPC
 * socket, for what the real-CLI suites cannot see: their programs' folders are committed already
 * linked, so `pulumi package add` finds nothing left to change there.
 */

/** Inside the repository, where the bundles resolve @pulumi/pulumi from its node_modules as the set-up's do. */
const HOSTS_DIR = join(REPO_ROOT, "node_modules", ".cache", `flashback-hosts-${process.pid}`);
const started: ChildProcess[] = [];

beforeAll(() => bundleStandInHosts(HOSTS_DIR));

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf stubs carry no types */
async function startHost(language: "python" | "go"): Promise<any> {
  const host = spawn(process.execPath, [join(HOSTS_DIR, `${language}.js`)], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(host);
  const port = await new Promise<string>((resolve, reject) => {
    host.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    host.once("exit", (code) => reject(new Error(`pulumi-language-${language} exited with ${code}`)));
  });
  return new languageGrpc.LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

function programInfo(directory: string, options: Record<string, unknown> = {}): any {
  const info = new languageProto.ProgramInfo();
  info.setRootDirectory(directory);
  info.setProgramDirectory(directory);
  info.setEntryPoint(".");
  info.setOptions(structProto.Struct.fromJavaScript(options));
  return info;
}

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))),
  );
}

async function link(client: any, directory: string, path: string): Promise<string> {
  const dependency = new languageProto.LinkRequest.LinkDependency();
  dependency.setPath(path);
  const request = new languageProto.LinkRequest();
  request.setInfo(programInfo(directory));
  request.setPackagesList([dependency]);
  return (await call<any>(client, "link", request)).getImportInstructions();
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function programWith(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), "flashback-link-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(directory, path, ".."), { recursive: true });
    writeFileSync(join(directory, path), content);
  }
  return directory;
}

afterAll(() => {
  for (const host of started) host.kill();
  rmSync(HOSTS_DIR, { recursive: true, force: true });
});

describe("the stand-in language hosts", () => {
  it("python: Link lists the SDK's folder in requirements.txt once, keeps what was there, and says what to import", async () => {
    const client = await startHost("python");
    const program = programWith({
      "requirements.txt": "pulumi>=3.0.0,<4.0.0\n",
      "sdks/flashback/pulumi_flashback/__init__.py": "",
    });
    const instructions = await link(client, program, "sdks/flashback");
    await link(client, program, "sdks/flashback");
    expect(readFileSync(join(program, "requirements.txt"), "utf8")).toBe("pulumi>=3.0.0,<4.0.0\nsdks/flashback\n");
    expect(instructions).toMatch(/import pulumi_flashback/);
  });

  it("go: Link points go.mod at the SDK's module with a replace, and says what to import", async () => {
    const client = await startHost("go");
    const program = programWith({
      "go.mod": "module example.com/program\n\ngo 1.25\n",
      "sdks/flashback/go.mod": "module github.com/flashbacknetwork/pulumi-flashback/sdk/go\n\ngo 1.25\n",
      "sdks/flashback/flashback/provider.go": "package flashback\n",
      "sdks/flashback/internal/utilities.go": "package internal\n",
    });
    const instructions = await link(client, program, "sdks/flashback");
    expect(readFileSync(join(program, "go.mod"), "utf8")).toMatch(
      /^replace github\.com\/flashbacknetwork\/pulumi-flashback\/sdk\/go => \.\/sdks\/flashback$/m,
    );
    expect(instructions).toMatch(/import "github\.com\/flashbacknetwork\/pulumi-flashback\/sdk\/go\/flashback"/);
    expect(instructions).not.toMatch(/internal/);
  });

  it("python: a program whose virtual environment is missing is refused with its path, before anything runs", async () => {
    const client = await startHost("python");
    const program = programWith({ "__main__.py": "raise SystemExit('must not run')\n" });
    const request = new languageProto.RunRequest();
    request.setInfo(programInfo(program, { virtualenv: "venv" }));
    request.setMonitorAddress("127.0.0.1:1");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the generated protobuf stubs carry no types
    const response = await call<any>(client, "run", request);
    expect(response.getError()).toBe(`The virtual environment ${join(program, "venv")} does not exist: run pulumi install`);
  });
});

describe("the plugin an SDK's pulumi-plugin.json announces (both hosts read it alike)", () => {
  it("a resource plugin, its version with a v, the server it names", () => {
    expect(announcedPlugin({ resource: true, name: "flashback", version: "0.1.0", server: "github://api.github.com/o/r" })).toEqual({
      name: "flashback",
      version: "v0.1.0",
      server: "github://api.github.com/o/r",
    });
  });

  it("what it leaves out is the package's own, where the host knows it; nothing for a package that is not a resource plugin", () => {
    expect(announcedPlugin({ resource: true }, { name: "flashback", version: "0.2.0" })).toEqual({
      name: "flashback",
      version: "v0.2.0",
      server: "",
    });
    expect(announcedPlugin({ resource: true, version: "v1.0.0" })).toBeUndefined();
    expect(announcedPlugin({ resource: false, name: "random" }, { name: "random", version: "1.0.0" })).toBeUndefined();
  });
});
