import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { findPulumiCli, NO_CLI_REASON } from "../helpers/find-pulumi-cli";

/*
 * The real `pulumi` CLI, through the Automation API, with a local file backend: preview, up,
 * rename, refresh, out-of-band delete, destroy, against the emulator. Runs wherever a Pulumi CLI
 * binary is installed; elsewhere every test is skipped with the reason in its title.
 */

const cli = findPulumiCli();
if (cli === undefined) console.warn(`CLI end-to-end suite skipped: ${NO_CLI_REASON}`);

describe.skipIf(cli === undefined)(`pulumi CLI end to end${cli === undefined ? ` — skipped: ${NO_CLI_REASON}` : ""}`, () => {
  let emulator: RunningEmulator;
  let backendDir: string;
  let stack: Stack;
  let keyId: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    backendDir = mkdtempSync(join(tmpdir(), "flashback-e2e-"));
    const pulumiCommand = await PulumiCommand.get({ root: dirname(dirname(cli as string)), skipVersionCheck: true });
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "e2e", workDir: join(__dirname, "program") },
      {
        pulumiCommand,
        envVars: {
          PULUMI_BACKEND_URL: `file://${backendDir}`,
          PULUMI_CONFIG_PASSPHRASE: "flashback-e2e",
          PULUMI_SKIP_UPDATE_CHECK: "true",
          FLASHBACK_API_URL: emulator.url,
        },
      },
    );
    await stack.setAllConfig({
      repoId: { value: TEST_REPO },
      keyName: { value: "e2e-reader" },
      "flashback:accessToken": { value: TEST_TOKEN, secret: true },
    });
  });

  afterAll(async () => {
    await emulator?.close();
    if (backendDir) rmSync(backendDir, { recursive: true, force: true });
  });

  it("preview sends nothing to Flashback", async () => {
    await stack.preview();
    expect(emulator.requests).toHaveLength(0);
  });

  it("up creates the key; its outputs are secret", async () => {
    const result = await stack.up();
    keyId = result.outputs.keyId?.value as string;
    expect(emulator.store.get(TEST_REPO, keyId)?.name).toBe("e2e-reader");
    expect(result.outputs.secretKey?.secret).toBe(true);
    expect(result.outputs.accessKey?.secret).toBe(true);
  });

  it("a rename updates the key in place", async () => {
    await stack.setConfig("keyName", { value: "e2e-renamed" });
    const result = await stack.up();
    expect(result.summary.resourceChanges?.update).toBe(1);
    expect(result.outputs.keyId?.value).toBe(keyId);
    expect(emulator.store.get(TEST_REPO, keyId)?.name).toBe("e2e-renamed");
  });

  it("the state holds no plaintext key, secret or token", async () => {
    const exported = JSON.stringify(await stack.exportStack());
    const stored = emulator.store.get(TEST_REPO, keyId);
    expect(exported).not.toContain(TEST_TOKEN);
    expect(exported).not.toContain(stored?.key as string);
    const outputs = await stack.outputs();
    expect(exported).not.toContain(outputs.secretKey?.value as string);
  });

  it("refresh after an out-of-band delete drops the key from the state", async () => {
    await stack.refresh();
    emulator.store.delete(TEST_REPO, keyId);
    await stack.refresh();
    const exported = await stack.exportStack();
    const types = (exported.deployment.resources ?? []).map((resource: { type: string }) => resource.type);
    expect(types).not.toContain("pulumi-nodejs:dynamic/flashback:RepoApiKey");
  });

  it("destroy leaves nothing in Flashback", async () => {
    await stack.up();
    await stack.destroy();
    expect(emulator.store.allKeys()).toHaveLength(0);
  });
});
