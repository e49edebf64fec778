import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPulumiCli, realCliSuite } from "../../testkit/find-pulumi-cli";
import { REPO_ROOT } from "../helpers/run-node";

/** `npm run demo` is the README's main job: it must run with or without a Pulumi CLI and show no secret. */

function runDemo(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(
      join(REPO_ROOT, "node_modules", ".bin", "tsx"),
      [join(REPO_ROOT, "scripts", "demo.ts")],
      { cwd: REPO_ROOT, env },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
}

describe("npm run demo without a Pulumi CLI", () => {
  it("says it uses the test engine, creates the keys and prints the outputs with secrets masked", async () => {
    const output = await runDemo({ ...process.env, FLASHBACK_IGNORE_PULUMI_CLI: "true" });
    const lines = output.split("\n");
    expect(lines[0]).toMatch(/^No Pulumi CLI found: running the demo stack through this repository's built-in test engine/);
    expect(output).toContain("Preview: 3 to create (read-key, write-key, admin-key); 0 requests sent to Flashback");
    expect(output).toContain("Up: created 3 keys in Flashback");
    const outputs = JSON.parse(output.slice(output.indexOf("{"))) as { credentials: Array<Record<string, string>>; keyIds: string[] };
    expect(outputs.keyIds).toHaveLength(3);
    expect(outputs.credentials.map((credential) => [credential.key, credential.secret])).toEqual(Array(3).fill(["[secret]", "[secret]"]));
  });
});

const cli = findPulumiCli();
const realCli = realCliSuite("npm run demo with the real Pulumi CLI");

describe.skipIf(realCli.skip)(realCli.title, () => {
  it("prints the real preview, up and stack output: three keys created, their secrets masked", async () => {
    rmSync(join(REPO_ROOT, ".pulumi-demo"), { recursive: true, force: true });
    const output = await runDemo();
    expect(output.split("\n")[0]).toBe(
      `Pulumi CLI at ${cli}: running the demo stack with a local state backend in .pulumi-demo/ against the Flashback emulator at ${/http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0]}`,
    );
    expect(output).toMatch(/\$ pulumi preview[\s\S]*\+ 4 to create/);
    expect(output).toMatch(/\$ pulumi up --yes --skip-preview[\s\S]*\+ 4 created/);
    const stackOutput = output.slice(output.indexOf("$ pulumi stack output"));
    expect(stackOutput).toContain('credentials  [{"accessType":"READ","key":"[secret]","secret":"[secret]"},');
    expect(stackOutput).toMatch(/keyIds\s+\["/);
    expect(output).not.toContain("demo-token");
  });
});

describe("npm run demo with a Pulumi CLI", () => {
  it("runs pulumi up on the root stack with a local file backend, a passphrase and the emulator's URL", async () => {
    // A stand-in `pulumi` on PATH that records how it was called: the real CLI cannot be installed here.
    const home = mkdtempSync(join(tmpdir(), "flashback-fake-cli-"));
    const log = join(home, "calls.log");
    const fakeCli = join(home, "pulumi");
    writeFileSync(
      fakeCli,
      `#!/bin/sh\necho "$* | $PULUMI_BACKEND_URL | $PULUMI_CONFIG_PASSPHRASE | $FLASHBACK_API_URL | $FLASHBACK_ACCESS_TOKEN" >> "${log}"\n`,
    );
    chmodSync(fakeCli, 0o755);
    // Found by the default search, whichever CLI this run's other suites are on.
    const { PULUMI_HOME: _pulumiHome, FLASHBACK_PULUMI_CLI: _whichCli, ...env } = process.env;
    const output = await runDemo({ ...env, HOME: home, PATH: `${home}:${process.env.PATH}` });

    expect(output.split("\n")[0]).toBe(
      `Pulumi CLI at ${fakeCli}: running the demo stack with a local state backend in .pulumi-demo/ against the Flashback emulator at ${/http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0]}`,
    );
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" | "));
    expect(calls.map(([args]) => args)).toEqual([
      `stack select --create dev --cwd ${REPO_ROOT}`,
      `preview --cwd ${REPO_ROOT}`,
      `up --yes --skip-preview --cwd ${REPO_ROOT}`,
      `stack output --cwd ${REPO_ROOT}`,
    ]);
    for (const [, backend, passphrase, apiUrl, token] of calls) {
      expect(backend).toBe(`file://${join(REPO_ROOT, ".pulumi-demo", "state")}`);
      expect(passphrase).not.toBe("");
      expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(token).toBe("demo-token");
    }
  });
});
