import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { SECRET_SIG } from "../../provider/engine/pulumi-protocol";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { packageVersion } from "../../provider/plugin/package-version";
import { checksumsName, pluginTarballName, releasedPlugin, RELEASE_DIR, sha256Of } from "../../scripts/release";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { needsGit, requireGitCheckout } from "../helpers/git-checkout";
import { findLanguageHost, findPulumiCli, realCliSuite } from "../../testkit/find-pulumi-cli";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * The provider as a release installs it (issue: "Install it the way every Pulumi provider
 * installs"): the plugin tarball of `npm run release`, installed with `pulumi plugin install
 * --file` into an empty Pulumi home, serving a YAML program that names no plugin, with a PATH that
 * holds the pulumi binary and its YAML host and nothing else: no node anywhere. The SDKs, published
 * and installed from registries, and the CLI downloading the plugin they announce, are the release
 * rehearsal's (release-rehearsal.test.ts).
 */

const suite = needsGit(
  realCliSuite("the released plugin, installed from its tarball, under the real pulumi CLI", { languageHost: "yaml" }),
);
const version = packageVersion();

/** Where `pulumi plugin install` puts the plugin's executable in a Pulumi home. */
const installedPlugin = (stack: CliStack): string =>
  join(stack.env.PULUMI_HOME as string, "plugins", `resource-flashback-v${version}`, "pulumi-resource-flashback");

describe.skipIf(suite.skip)(suite.title, () => {
  let emulator: RunningEmulator;
  let stack: CliStack;

  let tarball: string;

  beforeAll(async () => {
    requireGitCheckout();
    ({ tarball } = await releasedPlugin());
    emulator = await startTestEmulator();
    // A PATH of the pulumi binary and its YAML host alone: the plugin must run without node.
    const bare = mkdtempSync(join(tmpdir(), "flashback-bare-path-"));
    const cli = findPulumiCli() as string;
    symlinkSync(cli, join(bare, "pulumi"));
    symlinkSync(findLanguageHost(cli, "yaml") as string, join(bare, "pulumi-language-yaml"));
    stack = await cliStackOnEmulator(emulator, {
      programDir: join(__dirname, "programs", "yaml-installed"),
      stackName: "installed",
      env: { PATH: bare },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emulator?.close();
  });

  it("writes the tarball under Pulumi's name with README, LICENSE and the executable, and checksums that match", () => {
    const lines = readFileSync(join(RELEASE_DIR, checksumsName(version)), "utf8")
      .trim()
      .split("\n");
    const listed = Object.fromEntries(lines.map((line) => line.split("  ").reverse() as [string, string]));
    expect(Object.keys(listed).sort()).toEqual(
      readdirSync(RELEASE_DIR)
        .filter((file) => file !== checksumsName(version))
        .sort(),
    );
    for (const [file, digest] of Object.entries(listed)) expect(sha256Of(join(RELEASE_DIR, file)), file).toBe(digest);
    expect(Object.keys(listed)).toContain(pluginTarballName(version));
  });

  it("installs with pulumi plugin install --file, then up and destroy work with no node on the PATH", async () => {
    expect(stack.env.PATH?.split(delimiter).some((dir) => existsSync(join(dir, "node")))).toBe(false);
    const installed = await stack.succeed("plugin", "install", "resource", "flashback", version, "--file", tarball);
    expect(installed.output).toContain(`[resource plugin flashback-${version}] installing`);
    expect(existsSync(installedPlugin(stack))).toBe(true);

    const up = await stack.succeed("up", ...UNATTENDED);
    expect(up.stdout).toMatch(/secretKey\s*: \[secret\]/);
    expect(up.stdout).toMatch(/rotatingSecret\s*: \[secret\]/);
    const key = keysInState(await stack.exportState(), REPO_API_KEY_TOKEN).find((resource) => resource.urn.endsWith("::reader"));
    expect(emulator.store.get(TEST_REPO, key?.id as string)?.name).toBe("installed-reader");
    expect(
      emulator.store
        .allKeys()
        .map((stored) => stored.name)
        .sort(),
    ).toEqual(["installed-reader", "installed-rotating-a", "installed-rotating-b"]);
    expect(key?.outputs?.secret).toMatchObject({ [SECRET_SIG]: expect.any(String), ciphertext: expect.any(String) });

    await stack.succeed("destroy", ...UNATTENDED);
    expect(emulator.store.allKeys()).toEqual([]);
  });
});
