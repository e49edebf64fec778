import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { grpc, providerGrpc, providerProto, toStruct } from "../../provider/engine/pulumi-protocol";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { servePlugin } from "../../provider/plugin/serve";
import { cliStackOnEmulator, lifecycleFor, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { PLUGIN_EXECUTABLE } from "../helpers/plugin-program-suite";
import { CliStack, keysInState, UNATTENDED, type StateResource } from "../../testkit/pulumi-cli-stack";

/*
 * Deployments that meet in one repository (issue: "Correct in every shape a real deployment
 * takes"): stacks with the same organization, project and stack names on two backends, two
 * explicit providers in one program, a destroy beside an up, and a sweep retried while creates of
 * the same process are in flight. Flashback answers with random latency, so concurrent calls finish
 * out of step. After each scenario every state is held against Flashback:
 * - lost: a key a state holds that Flashback no longer has;
 * - orphaned: a key in Flashback that no state holds (a leftover reservation included);
 * - duplicate: a declared name Flashback holds more often than the states declare it.
 */

const suite = realCliSuite("deployments that meet in one repository, under the real pulumi CLI", { languageHost: "yaml" });
const FLEET_DIR = join(__dirname, "programs", "fleet");
/** Keys per stack where two stacks deploy at once. */
const FLEET_KEYS = 120;
/** Keys per stack where two stacks deploy at once east of UTC, with dates that name no zone. */
const ZONELESS_KEYS = 30;
/** Keys per provider in the two-provider program. */
const KEYS_PER_PROVIDER = 40;

const totals = { scenarios: 0, passed: 0, lost: 0, orphaned: 0, duplicates: 0 };
let emulator: RunningEmulator;

describe.skipIf(suite.skip)(suite.title, () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });

  afterAll(async () => {
    console.log(
      `concurrency: ${totals.scenarios} scenarios, ${totals.passed} passed, ${totals.lost} keys lost, ` +
        `${totals.orphaned} keys orphaned, ${totals.duplicates} duplicate keys`,
    );
    await emulator?.close();
  });

  it(`two stacks named alike (organization, project, stack) on two file backends, ${FLEET_KEYS} keys each into one repository at once`, async () => {
    await scenario(async () => {
      const [first, second] = await twoFleetStacks("same-names");
      try {
        await Promise.all([first.succeed("up", ...UNATTENDED), second.succeed("up", ...UNATTENDED)]);
        return { states: [await fleetKeys(first), await fleetKeys(second)], expectedPerName: 2 };
      } finally {
        await Promise.all([first.dispose({ destroy: false }), second.dispose({ destroy: false })]);
      }
    });
  });

  it(`two such stacks east of UTC (TZ=Asia/Tokyo), ${ZONELESS_KEYS} keys each, while Flashback writes createdAt without a zone`, async () => {
    await scenario(async () => {
      emulator.faults.createdAtShape = "zoneless";
      const [first, second] = await twoFleetStacks("zoneless-dates", { keys: ZONELESS_KEYS, env: { TZ: "Asia/Tokyo" } });
      try {
        // The second stack's sweep lists the repository while the first one's creates are in flight:
        // their claims are held back, so their reservations stay listed for seconds.
        emulator.faults.add({ fault: { kind: "delay", ms: 4_000 }, method: "PUT", times: ZONELESS_KEYS });
        const firstUp = first.succeed("up", ...UNATTENDED);
        await vi.waitFor(() => expect(emulator.requests.filter((request) => request.method === "POST").length).toBeGreaterThan(3), {
          timeout: 60_000,
          interval: 20,
        });
        await Promise.all([firstUp, second.succeed("up", ...UNATTENDED)]);
        return { states: [await fleetKeys(first), await fleetKeys(second)], expectedPerName: 2 };
      } finally {
        await Promise.all([first.dispose({ destroy: false }), second.dispose({ destroy: false })]);
      }
    });
  });

  it("one of them destroys while the other creates", async () => {
    await scenario(async () => {
      const [first, second] = await twoFleetStacks("destroy-beside-up");
      try {
        await first.succeed("up", ...UNATTENDED);
        await Promise.all([first.succeed("destroy", ...UNATTENDED), second.succeed("up", ...UNATTENDED)]);
        const states = [await fleetKeys(first), await fleetKeys(second)];
        expect(states[0], "the destroyed stack holds nothing").toEqual([]);
        return { states, expectedPerName: 1 };
      } finally {
        await Promise.all([first.dispose({ destroy: false }), second.dispose({ destroy: false })]);
      }
    });
  });

  it(`two explicit flashback providers in one YAML program (one plugin process each), ${KEYS_PER_PROVIDER} keys each into one repository`, async () => {
    await scenario(async () => {
      const programDir = twoProviderProgram();
      // An explicit provider reads no stack config: the token comes from the environment, as in CI.
      const stack = await cliStackOnEmulator(emulator, {
        programDir,
        stackName: "two-providers",
        env: { FLASHBACK_ACCESS_TOKEN: TEST_TOKEN },
      });
      try {
        await stack.succeed("up", ...UNATTENDED);
        const state = keysInState(await stack.exportState(), REPO_API_KEY_TOKEN);
        expect(state).toHaveLength(2 * KEYS_PER_PROVIDER);
        return { states: [state], expectedPerName: 1 };
      } finally {
        await stack.dispose({ destroy: false });
        rmSync(programDir, { recursive: true, force: true });
      }
    });
  });

  it("a sweep retried while creates of the same plugin process are in flight, its listing answered after they were claimed (protocol level)", async () => {
    await scenario(async () => {
      const { port, server } = await servePlugin({ lifecycle: lifecycleFor(emulator) });
      const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const create = (name: string): Promise<StateResource> =>
        new Promise((resolve, reject) =>
          client.create(
            new providerProto.CreateRequest()
              .setUrn(`urn:pulumi:dev::concurrency::${REPO_API_KEY_TOKEN}::${name}`)
              .setProperties(toStruct({ repoId: TEST_REPO, name, accessType: "READ" })),
            (error: unknown, response: { getId(): string }) =>
              error ? reject(error) : resolve({ urn: name, type: REPO_API_KEY_TOKEN, id: response.getId(), outputs: { name } }),
          ),
        );
      try {
        // The first sweep fails, so the first creates go ahead; the next write retries the sweep,
        // whose listing shows their reservations but arrives after they were claimed.
        emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "GET" });
        emulator.faults.add({ fault: { kind: "delay-answer", ms: 800 }, method: "GET" });
        emulator.faults.add({ fault: { kind: "delay", ms: 300 }, method: "PUT", times: 8 });
        const early = Array.from({ length: 8 }, (_, index) => create(`early-${index}`));
        await vi.waitFor(() => expect(emulator.requests.filter((request) => request.method === "PUT")).toHaveLength(8), {
          timeout: 10_000,
        });
        const late = await Promise.all(Array.from({ length: 8 }, (_, index) => create(`late-${index}`)));
        return { states: [[...(await Promise.all(early)), ...late]], expectedPerName: 1 };
      } finally {
        client.close();
        server.forceShutdown();
      }
    });
  });
});

interface ScenarioOutcome {
  /** The keys of each state (or each engine) afterwards. */
  states: StateResource[][];
  /** How many keys of each declared name the states hold between them, each name alike. */
  expectedPerName: number;
}

/** Runs one scenario on an emptied Flashback whose answers arrive out of step, then counts and asserts. */
async function scenario(steps: () => Promise<ScenarioOutcome>): Promise<void> {
  totals.scenarios += 1;
  emulator.reset();
  emulator.faults.latencyMs = 20;
  emulator.faults.latencyJitterMs = 80;
  const { states, expectedPerName } = await steps();
  emulator.faults.reset();
  const inFlashback = emulator.store.allKeys();
  const flashbackIds = new Set(inFlashback.map((key) => key.id));
  const stateIds = new Set(states.flat().map((key) => key.id as string));
  const perName = new Map<string, number>();
  for (const key of inFlashback) perName.set(key.name, (perName.get(key.name) ?? 0) + 1);
  const counted = {
    lost: [...stateIds].filter((id) => !flashbackIds.has(id)).length,
    orphaned: inFlashback.filter((key) => !stateIds.has(key.id)).length,
    duplicates: [...perName.values()].reduce((sum, count) => sum + Math.max(0, count - expectedPerName), 0),
  };
  totals.lost += counted.lost;
  totals.orphaned += counted.orphaned;
  totals.duplicates += counted.duplicates;
  expect(counted).toEqual({ lost: 0, orphaned: 0, duplicates: 0 });
  totals.passed += 1;
}

/**
 * Two stacks of the fleet program with the same name, each on a backend of its own (as two people
 * with `pulumi login --local`): local backends all put stacks in the organization `organization`.
 * They share the program's config file, and so its passphrase salt, the repository and the token.
 */
async function twoFleetStacks(stackName: string, { keys = FLEET_KEYS, env = {} as NodeJS.ProcessEnv } = {}): Promise<[CliStack, CliStack]> {
  const first = await cliStackOnEmulator(emulator, { programDir: FLEET_DIR, stackName, env, config: { keyCount: String(keys) } });
  const second = await CliStack.create({ programDir: FLEET_DIR, stackName, env: { FLASHBACK_API_URL: emulator.url, ...env } });
  return [first, second];
}

async function fleetKeys(stack: CliStack): Promise<StateResource[]> {
  return keysInState(await stack.exportState());
}

/**
 * A YAML program with two explicit providers, `KEYS_PER_PROVIDER` keys each, in a temporary
 * folder: YAML has no loops, so it is written out here.
 */
function twoProviderProgram(): string {
  const dir = mkdtempSync(join(tmpdir(), "flashback-two-providers-"));
  const providers = ["first", "second"];
  const keys = providers.flatMap((provider) =>
    Array.from({ length: KEYS_PER_PROVIDER }, (_, index) =>
      [
        `  ${provider}-${index}:`,
        "    type: flashback:index:RepoApiKey",
        `    properties: { repoId: "\${repoId}", name: "${provider}-${index}", accessType: READ }`,
        `    options: { provider: "\${${provider}}" }`,
      ].join("\n"),
    ),
  );
  const yaml = [
    "name: flashback-two-providers",
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: flashback",
    `      path: ${JSON.stringify(join(PLUGIN_EXECUTABLE, ".."))}`,
    "config:",
    "  repoId: { type: string }",
    "resources:",
    ...providers.map((provider) => [`  ${provider}:`, "    type: pulumi:providers:flashback"].join("\n")),
    ...keys,
    "",
  ].join("\n");
  writeFileSync(join(dir, "Pulumi.yaml"), yaml);
  return dir;
}
