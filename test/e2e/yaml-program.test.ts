import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { realCliSuite } from "../helpers/find-pulumi-cli";
import { SECRET_SIG } from "../../provider/plugin/pulumi-protocol";
import { REPO_API_KEY_TOKEN as TYPE } from "../../provider/plugin/schema";
import { keysInState, UNATTENDED, type CliStack } from "../helpers/pulumi-cli-stack";

/*
 * A Pulumi YAML program through the real CLI and Pulumi's YAML language host, with the `flashback`
 * provider plugin (bin/pulumi-resource-flashback) named in its Pulumi.yaml: the same lifecycle as
 * the dynamic resource, reached from a language that cannot run it.
 */

const suite = realCliSuite("a YAML program through the flashback provider plugin", { languageHost: "yaml" });
const PROGRAM_DIR = join(__dirname, "programs", "yaml");

let emulator: RunningEmulator;
let stack: CliStack;

const up = () => stack.succeed("up", ...UNATTENDED);
const writes = () => emulator.requests.filter((request) => request.method !== "GET");
const keys = async () => keysInState(await stack.exportState(), TYPE);

describe.skipIf(suite.skip)(suite.title, () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
    stack = await cliStackOnEmulator(emulator, { programDir: PROGRAM_DIR, stackName: "yaml-suite" });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emulator?.close();
  });

  beforeEach(() => {
    emulator.requests.length = 0;
  });

  it("preview sends nothing", async () => {
    const result = await stack.succeed("preview", "--non-interactive");
    expect(result.stdout).toMatch(/\+ 2 to create/);
    expect(emulator.requests).toEqual([]);
  });

  it("up creates the key: key and secret secret in the output, ciphertext in the state", async () => {
    const result = await up();
    expect(result.stdout).toMatch(/secretKey\s*: \[secret\]/);
    const [stored] = await keys();
    expect(emulator.store.get(TEST_REPO, stored?.id as string)?.name).toBe("yaml-reader");
    expect(stored?.outputs?.secret).toMatchObject({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });
    expect(stored?.outputs?.key).toMatchObject({ ciphertext: expect.any(String) });
    const secret = (await stack.outputs(true)).secretKey as string;
    expect(emulator.store.isSecretOf(stored?.id as string, secret)).toBe(true);
    expect(JSON.stringify(await stack.exportState())).not.toContain(secret);
  });

  it("a rename updates in place: one PUT, same id and secret", async () => {
    const before = await stack.outputs(true);
    await stack.setConfig({ keyName: "yaml-renamed" });
    await up();
    const after = await stack.outputs(true);
    expect(writes().map((request) => `${request.method} ${request.path}`)).toEqual([`PUT /repo/${TEST_REPO}/apikey/${before.keyId}`]);
    expect(after).toMatchObject({ keyId: before.keyId, secretKey: before.secretKey });
  });

  it("a new repoId replaces the key, create before delete", async () => {
    const before = await stack.outputs();
    await stack.setConfig({ repoId: "repo-other" });
    await up();
    const after = await stack.outputs();
    expect(writes().map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /repo/repo-other/apikey",
      `PUT /repo/repo-other/apikey/${after.keyId}`,
      `DELETE /repo/${TEST_REPO}/apikey/${before.keyId}`,
    ]);
  });

  it("refresh picks up drift, then drops a key deleted out of band", async () => {
    const { keyId } = await stack.outputs();
    emulator.store.update("repo-other", keyId as string, { name: "edited-in-console", accessType: "ADMIN" });
    await stack.succeed("refresh", ...UNATTENDED);
    expect((await keys())[0]?.outputs).toMatchObject({ name: "edited-in-console", accessType: "ADMIN" });
    emulator.store.delete("repo-other", keyId as string);
    await stack.succeed("refresh", ...UNATTENDED);
    expect(await keys()).toEqual([]);
    await up();
    expect(emulator.store.allKeys()).toHaveLength(1);
  });

  it("a create whose answer is lost leaves no orphan and no duplicate, as with the dynamic resource", async () => {
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST", pathPrefix: "/repo/" });
    await stack.setConfig({ repoId: TEST_REPO });
    await up();
    const { keyId } = await stack.outputs();
    expect(emulator.store.allKeys().map((key) => [key.id, key.name])).toEqual([[keyId, "yaml-renamed"]]);
    expect(emulator.requests.filter((request) => request.status === "reset")).toHaveLength(1);
  });

  it("import adopts an existing key, without its secret and with a warning that says why", async () => {
    const existing = emulator.store.create(TEST_REPO, "made-by-hand", "WRITE");
    const result = await stack.succeed(
      "import",
      TYPE,
      "adopted",
      `${TEST_REPO}/${existing.stored.id}`,
      "--protect=false",
      "--yes",
      "--non-interactive",
    );
    expect(result.output).toMatch(/imported without its secret/);
    const adopted = (await keys()).find((resource) => resource.urn.endsWith("::adopted"));
    expect(adopted?.id).toBe(existing.stored.id);
    expect(adopted?.inputs).toMatchObject({ repoId: TEST_REPO, name: "made-by-hand", accessType: "WRITE" });
    // Not in the program: take it out of the state again, leaving the key to its owner.
    await stack.succeed("state", "delete", adopted?.urn as string, "--yes");
    expect(emulator.store.get(TEST_REPO, existing.stored.id)).toBeDefined();
    emulator.store.delete(TEST_REPO, existing.stored.id);
  });

  it("a bad input fails with the field's name and sends nothing", async () => {
    await stack.setConfig({ accessType: "OWNER" });
    try {
      const result = await stack.run(["up", ...UNATTENDED]);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/accessType/);
      expect(writes()).toEqual([]);
    } finally {
      await stack.setConfig({ accessType: "READ" });
    }
  });

  it("destroy leaves nothing, and the token appears in nothing printed or stored", async () => {
    await stack.succeed("destroy", ...UNATTENDED);
    expect(emulator.store.allKeys()).toEqual([]);
    const printed = stack.printed.map((command) => command.output).join("\n");
    expect(printed).not.toContain(TEST_TOKEN);
    const stored = readdirSync(join(stack.home, "state"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"))
      .join("\n");
    expect(stored).not.toContain(TEST_TOKEN);
  });
});
