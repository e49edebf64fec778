import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { TEST_REPO, TEST_TOKEN, stackOnEmulatorPerSuite } from "../helpers/emulator-provider";
import { plantStrangers } from "../helpers/function-results";
import { PLUGIN_EXECUTABLE } from "../helpers/plugin-program-suite";
import { expectLookupsThroughCli } from "../helpers/function-results";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * YAML's fn::invoke of the plugin's functions through the real CLI. YAML invokes nothing
 * conditionally, so the lookups have a program of their own (the other languages' suites turn them
 * on with the config `lookup` in their programs); `lookup` is set here too and means nothing.
 * Then `pulumi do`, which needs no program: the plugin's List, and a function from the command line.
 */

const suite = realCliSuite("a YAML program calling getRepoApiKeys and getRepoApiKey with fn::invoke, and pulumi do", {
  languageHost: "yaml",
});

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;
  const up = () => stack.succeed("up", ...UNATTENDED);

  stackOnEmulatorPerSuite(
    { programDir: join(__dirname, "programs", "yaml-functions"), stackName: "yaml-functions" },
    (made) => ({ emulator, stack } = made),
  );

  it("answers every key of the repository and the key found by its name, never a secret", async () => {
    await up();
    await expectLookupsThroughCli(stack, emulator, up, TEST_REPO);
  });

  it("fails naming repoId and the repository when Flashback answers 404 for it, and writes nothing", async () => {
    emulator.requests.length = 0;
    await stack.setConfig({ repoId: "repo-gone" });
    const result = await stack.run(["preview", "--non-interactive"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/flashback:index:getRepoApiKeys/);
    expect(result.output).toMatch(/404 for repository "repo-gone"/);
    expect(result.output).toMatch(/repoId/);
    expect(emulator.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("pulumi do flashback:index:RepoApiKey list: every key but the leftover reservation, by its import id; getRepoApiKeys from the command line", async () => {
    const { leftover } = plantStrangers(emulator, TEST_REPO);
    // `pulumi do` has no stack: the plugin reads its settings from the environment.
    const env = { FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TEST_TOKEN };
    const listed = await stack.run(["do", "--package", PLUGIN_EXECUTABLE, "flashback:index:RepoApiKey", "list", "--repo-id", TEST_REPO], {
      env,
    });
    expect(listed.code, listed.output).toBe(0);
    const importable = emulator.store.list(TEST_REPO).filter((key) => key.id !== leftover);
    expect((JSON.parse(listed.stdout) as Array<{ id: string; name: string }>).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      importable.map((key) => ({ id: `${TEST_REPO}/${key.id}`, name: key.name })).sort((a, b) => a.id.localeCompare(b.id)),
    );
    const invoked = await stack.run(
      ["do", "--package", PLUGIN_EXECUTABLE, "flashback:index:getRepoApiKeys", "--repo-id", TEST_REPO, "--output", "json"],
      {
        env,
      },
    );
    expect(invoked.code, invoked.output).toBe(0);
    expect(invoked.stdout).toContain(leftover);
    expect(invoked.output).not.toContain(TEST_TOKEN);
  });
});
