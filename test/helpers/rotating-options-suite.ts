import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { UNATTENDED, type CliResult, type CliStack, type StateResource } from "../../testkit/pulumi-cli-stack";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "./emulator-provider";
import { recordIssuedSecrets } from "./issued-secrets";
import { sequentialSteps } from "./sequential-steps";

export interface RotatingOptionsFront {
  title: string;
  /** The program's folder under test/e2e/programs: a plain key and a RotatingRepoApiKey per option (`retained`, `protected`, `timed`, `withPlain`). */
  program: string;
  languageHost?: "yaml";
  /** The type token of its keys in the state. */
  keyType: string;
  /** The Flashback name of the `withPlain` component's keys, before `-a` and `-b`. */
  withPlainName: string;
}

/** The log flags of each scanned `up`: the CLI's debug output, then the engine's and the plugins' own logs at their most verbose. */
const LOUD_UPS: Array<{ title: string; flags: string[] }> = [
  { title: "--debug", flags: ["--debug"] },
  { title: "-v=9 --logtostderr --logflow", flags: ["-v=9", "--logtostderr", "--logflow"] },
];

/**
 * A RotatingRepoApiKey's resource options, and its secrets at every log level, through the real
 * CLI, one front per call. One stack, steps in order: `up`s at the loudest log levels with the
 * engine's event log, scanned for every secret the emulator issued; the options on the keys in the
 * state; a destroy a protected component refuses; a destroy that leaves retained keys working.
 */
export function describeRotatingOptions(front: RotatingOptionsFront): void {
  const suite = realCliSuite(front.title, front.languageHost ? { languageHost: front.languageHost } : {});
  const step = sequentialSteps();
  let emulator: RunningEmulator;
  let stack: CliStack;
  let issued: string[];

  const keyNames = (): string[] =>
    emulator.store
      .allKeys()
      .map((key) => key.name)
      .sort();
  const pairNames = (base: string): string[] => [`${base}-a`, `${base}-b`];
  /** A component's two keys in the state, `-a` then `-b`, with every field the export has (options included). */
  const childrenOf = (resources: StateResource[], component: string): Array<Record<string, unknown>> =>
    pairNames(component).flatMap((name) =>
      resources
        .filter((resource) => resource.type === front.keyType && resource.urn.endsWith(`::${name}`))
        .map((resource) => ({ ...resource })),
    );

  describe.skipIf(suite.skip)(suite.title, () => {
    beforeAll(async () => {
      emulator = await startTestEmulator();
      issued = recordIssuedSecrets(emulator);
      stack = await cliStackOnEmulator(emulator, {
        programDir: join(__dirname, "..", "e2e", "programs", front.program),
        stackName: front.program,
      });
    });
    afterAll(async () => {
      vi.restoreAllMocks();
      await stack?.run(["state", "unprotect", "--all", "--yes"]);
      await stack?.dispose();
      await emulator?.close();
    });

    for (const { title, flags } of LOUD_UPS) {
      step(`up ${title} --event-log: no secret the emulator issued in stdout, stderr or the event log`, async () => {
        const eventLog = join(stack.home, `events-${flags[0]}.json`);
        // `--event-log` is one of the CLI's debugging flags, accepted only with PULUMI_DEBUG_COMMANDS.
        const result = await stack.succeedWith(["up", ...UNATTENDED, ...flags, "--event-log", eventLog], {
          env: { PULUMI_DEBUG_COMMANDS: "true" },
        });
        expect(issued.length).toBeGreaterThanOrEqual(9);
        expectNoSecret(issued, result, readFileSync(eventLog, "utf8"));
        // The loud output is there: secrets are masked, not the debug lines dropped.
        if (flags.includes("--debug")) expect(result.output).toMatch(/RegisterResource RPC finished|\[secret\]/);
      });
    }

    step(
      "puts protect, retainOnDelete, deletedWith and customTimeouts on both keys of the component given each; warns of deletedWith",
      async () => {
        const resources = (await stack.exportState()).resources ?? [];
        const option = (component: string, name: string) => childrenOf(resources, component).map((key) => key[name]);
        expect(option("protected", "protect")).toEqual([true, true]);
        expect(option("retained", "retainOnDelete")).toEqual([true, true]);
        const plain = resources.find((resource) => resource.urn.endsWith("::plain"));
        expect(option("withPlain", "deletedWith")).toEqual([plain?.urn, plain?.urn]);
        expect(option("timed", "customTimeouts")).toEqual([
          { create: 420, update: 480, delete: 540 },
          { create: 420, update: 480, delete: 540 },
        ]);
        const printed = stack.printed.map((command) => command.output).join("\n");
        expect(printed).toMatch(/RotatingRepoApiKey "withPlain": deletedWith \S+::plain leaves both keys in Flashback, still working/);
      },
    );

    step("a protected component refuses destroy, and its keys stay in Flashback", async () => {
      const destroy = await stack.run(["destroy", ...UNATTENDED]);
      expect(destroy.code).not.toBe(0);
      expect(destroy.output).toMatch(/protected/);
      expect(keyNames()).toEqual(expect.arrayContaining(pairNames("rotating-options-protected")));
    });

    step(
      "once unprotected, destroy deletes the others and leaves the retained component's keys, and those deleted with the plain key, working",
      async () => {
        const { retainedCurrentSecret } = await stack.outputs(true);
        await stack.succeed("state", "unprotect", "--all", "--yes");
        await stack.succeed("destroy", ...UNATTENDED);
        // The current secret, handed out before the destroy, still opens one of the retained keys.
        const retained = emulator.store.allKeys().filter((key) => key.name.startsWith("rotating-options-retained-"));
        expect(retained.some((key) => emulator.store.isSecretOf(key.id, String(retainedCurrentSecret)))).toBe(true);
        expect(keyNames()).toEqual([...pairNames("rotating-options-retained"), ...pairNames(front.withPlainName)].sort());
        expect(emulator.store.allKeys().every((key) => key.repoId === TEST_REPO)).toBe(true);
      },
    );
  });
}

/**
 * At `-v=9` the Go SDK that Pulumi's YAML language host runs the program with logs every property
 * it marshals to or from the engine, secrets included, a plain key's as much as a component's:
 * the program's runtime, Pulumi's code, not this package's. Its lines are left out of the scan.
 */
const YAML_HOST_PROPERTY_LOG = /rpc\.go:\d+\] (Un)?[Mm]arshaling property for RPC\[\]: /;

/** No issued secret anywhere the CLI, the engine, the plugins and the dynamic provider printed or logged. */
function expectNoSecret(issued: readonly string[], result: CliResult, eventLog: string): void {
  for (const [where, text] of Object.entries({ stdout: result.stdout, stderr: result.stderr, "event log": eventLog })) {
    const leaking = text.split("\n").filter((line) => !YAML_HOST_PROPERTY_LOG.test(line) && issued.some((secret) => line.includes(secret)));
    expect(leaking.length, `${leaking.length} lines in ${where} hold a secret the emulator issued`).toBe(0);
  }
}
