import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { sleep } from "../../provider/client/request-gate";
import { ABANDONED_MARGIN_MS, reservationLifetimeMs } from "../../provider/lifecycle/reservation";
import { RESERVATION_PREFIX } from "../../provider/definitions/rules";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { realCliSuite, wantsOldestCli } from "../../testkit/find-pulumi-cli";
import { descendantsOf, killAll, type ProcessInfo } from "../helpers/process-tree";
import { keysInState, UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";
import { ageToolKeyPair, type ToolKeyPair } from "../../testkit/decrypt-with-tools";
import { encryptionToolsSuite } from "../../testkit/encryption-tools-suite";

/*
 * Interrupted deployments under the real engine (issue: "Interrupted deployments lose nothing").
 * Each scenario runs a stack of 20 keys at the default parallelism against the emulator, holds the
 * requests of one phase (creates, renames or deletes) in flight, interrupts the CLI the way a
 * cancelled CI job does, lets Flashback act on everything it received, then recovers with the
 * commands the README gives and checks: every declared key exactly once in Flashback, each in the
 * state with the secret Flashback issued, nothing else of the stack's left, and a same-named key
 * somebody made by hand untouched.
 */

const suite = realCliSuite("interrupted deployments under the real pulumi CLI");
const PROGRAM_DIR = join(__dirname, "programs", "fleet");
const KEY_COUNT = 20;
/** How long Flashback holds each request of the interrupted phase: long enough to interrupt with several in flight. */
const HOLD_MS = 2_000;
/** Requests in flight at the moment of interruption, at least (the engine runs 4 x CPUs steps at once). */
const MIN_IN_FLIGHT = 4;
const HUMAN_KEY_NAME = "fleet-3";
/** Creates the sealed scenario lets finish, and waits to see checkpointed, before it strikes. */
const SEALED_BEFORE_KILL = 4;
/**
 * The stacks' flashback:operationTimeout, in seconds: what a create may take in all, and so how long
 * after an interruption its leftover reservation waits before a deployment may sweep it.
 */
const OPERATION_TIMEOUT_S = 10;

type Phase = "create" | "rename" | "destroy";
const HELD_METHOD: Record<Phase, string> = { create: "POST", rename: "PUT", destroy: "DELETE" };

interface Interruption {
  /** What happens to the CLI while requests are in flight. */
  describe: string;
  interrupt: (cliPid: number, tree: ProcessInfo[]) => Promise<void>;
}

const signalCli =
  (...signals: NodeJS.Signals[]) =>
  async (cliPid: number): Promise<void> => {
    for (const signal of signals) {
      process.kill(cliPid, signal);
      await sleep(300);
    }
  };

const INTERRUPTIONS = {
  ctrlCOnce: { describe: "Ctrl-C once (SIGINT to the CLI)", interrupt: signalCli("SIGINT") },
  ctrlCTwice: { describe: "Ctrl-C twice", interrupt: signalCli("SIGINT", "SIGINT") },
  sigtermTwice: { describe: "SIGTERM twice", interrupt: signalCli("SIGTERM", "SIGTERM") },
  killGroup: {
    describe: "SIGKILL of the CLI and its process group",
    interrupt: async (cliPid: number) => void process.kill(-cliPid, "SIGKILL"),
  },
  killCli: {
    describe: "SIGKILL of the CLI alone, its provider finishing",
    interrupt: async (cliPid: number) => void process.kill(cliPid, "SIGKILL"),
  },
  killProvider: {
    describe: "SIGKILL of the dynamic-provider process alone",
    interrupt: async (_cliPid: number, tree: ProcessInfo[]) => {
      const providers = tree.filter((info) => info.commandLine.includes("cmd/dynamic-provider"));
      expect(providers.length).toBeGreaterThan(0);
      killAll(providers);
    },
  },
} satisfies Record<string, Interruption>;

interface Row {
  scenario: string;
  leftBehind: string;
  commands: string[];
  flashback: number;
  state: number;
}

const rows: Row[] = [];
/** The key pair the running scenario's keys are sealed to, if any: the state's secrets are then its ciphertexts. */
let sealedTo: ToolKeyPair | undefined;
const totals = { scenarios: 0, recovered: 0, orphaned: 0, duplicates: 0, lost: 0 };
let emulator: RunningEmulator;
let stackCount = 0;
/** A key somebody made by hand with a declared key's name: it must survive every scenario. */
let humanKeyId = "";

describe.skipIf(suite.skip)(suite.title, () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });

  afterAll(async () => {
    for (const row of rows) {
      console.log(
        `| ${row.scenario} | ${row.leftBehind} | ${row.commands.map((command) => `\`${command}\``).join(", ")} | ${row.flashback} | ${row.state} |`,
      );
    }
    console.log(
      `interrupted deployments: ${totals.scenarios} scenarios, ${totals.recovered} recovered, ${totals.orphaned} keys orphaned, ` +
        `${totals.duplicates} duplicate keys, ${totals.lost} secrets lost`,
    );
    await emulator?.close();
  });

  const phases: Array<[Phase, Interruption[]]> = [
    ["create", Object.values(INTERRUPTIONS)],
    [
      "rename",
      [INTERRUPTIONS.ctrlCTwice, INTERRUPTIONS.sigtermTwice, INTERRUPTIONS.killGroup, INTERRUPTIONS.killCli, INTERRUPTIONS.killProvider],
    ],
    [
      "destroy",
      [INTERRUPTIONS.ctrlCTwice, INTERRUPTIONS.sigtermTwice, INTERRUPTIONS.killGroup, INTERRUPTIONS.killCli, INTERRUPTIONS.killProvider],
    ],
  ];
  for (const [phase, interruptions] of phases.filter(([phase]) => phase === "create" || !wantsOldestCli())) {
    for (const interruption of interruptions) {
      it(`${phase}: ${interruption.describe}`, async () => {
        await runScenario(`${phase}: ${interruption.describe}`, async (stack) => {
          if (phase !== "create") await stack.succeed("up", ...UNATTENDED);
          if (phase === "rename") await stack.setConfig({ keyPrefix: "renamed" });
          const interrupted = await interruptWhileHeld(stack, phase, interruption);
          const recovery = await recover(stack, phase === "destroy" ? "destroy" : "up");
          return {
            leftBehind: interrupted.leftBehind,
            commands: [...interrupted.repairs, ...recovery],
            expected: phase === "destroy" ? [] : declaredKeys(phase === "rename" ? "renamed" : "fleet"),
          };
        });
      });
    }
  }

  // encryptTo: the secret is sealed as soon as Flashback answers, so a kill at any point after exposes no plaintext.
  // The backend keeps a copy of every checkpoint the deployments write, and the first keys are checkpointed
  // before the kill, so the leak check reads each checkpoint written mid-create, sealed keys in it.
  const sealedTitle =
    "create, every key sealed with encryptTo: SIGKILL of the CLI and its process group once the first keys are checkpointed; no plaintext anywhere";
  const sealed = encryptionToolsSuite(sealedTitle);
  (sealed.skip ? it.skip : it)(sealed.title, async () => {
    const age = ageToolKeyPair();
    sealedTo = age;
    try {
      await runScenario(
        sealedTitle,
        async (stack) => {
          const interrupted = await interruptWhileHeld(stack, "create", INTERRUPTIONS.killGroup, { answerFirst: SEALED_BEFORE_KILL });
          const recovery = await recover(stack, "up");
          const exported = JSON.stringify(await stack.exportState(true));
          const backend = stack.backendTexts();
          // One kept per create at least: without the retention a handful (the current file, its .bak, history, backups).
          expect(backend.filter(isSealedCheckpoint).length, "checkpoints holding sealed keys, kept by the backend").toBeGreaterThanOrEqual(
            KEY_COUNT,
          );
          const printed = stack.printed.map((command) => command.output);
          expect([exported, ...backend, ...printed].flatMap(issuedSecretsIn)).toEqual([]);
          return { leftBehind: interrupted.leftBehind, commands: [...interrupted.repairs, ...recovery], expected: declaredKeys("fleet") };
        },
        { config: { encryptTo: age.recipient }, env: { PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS: "true" } },
      );
    } finally {
      sealedTo = undefined;
      age.dispose();
    }
  });

  // The oldest CLI runs the smoke set: an interrupted create and its recovery, each way it is interrupted.
  if (!wantsOldestCli()) {
    it("up --continue-on-error with one key Flashback refuses (403), then up once the cause is fixed", async () => {
      await runScenario("create: --continue-on-error, one key refused with 403", async (stack) => {
        await stack.setConfig({ elsewhereIndex: "5", elsewhereRepoId: "repo-forbidden" });
        const refused = await stack.run(["up", ...UNATTENDED, "--continue-on-error"]);
        expect(refused.code).not.toBe(0);
        expect(refused.output).toMatch(/key-5.*\n?.*answered 403/);
        const partly = await snapshot(stack);
        expect(partly.flashbackNames).toEqual(
          declaredKeys("fleet")
            .filter((key) => key.name !== "fleet-5")
            .map((key) => key.name),
        );
        await stack.setConfig({ elsewhereRepoId: "repo-other" });
        await stack.succeed("up", ...UNATTENDED);
        const expected = declaredKeys("fleet").map((key) => (key.name === "fleet-5" ? { ...key, repoId: "repo-other" } : key));
        return {
          leftBehind: describeLeft(partly),
          commands: ["pulumi up --continue-on-error", "pulumi config set elsewhereRepoId repo-other", "pulumi up"],
          expected,
        };
      });
    });

    it("up --target of one key while the others are pending, then up", async () => {
      await runScenario("create: SIGKILL of the process group, then up --target of one key", async (stack) => {
        const interrupted = await interruptWhileHeld(stack, "create", INTERRUPTIONS.killGroup);
        const [target, ...others] = ((await stack.exportState()).pending_operations ?? []).map((operation) => operation.resource.urn);
        expect(target, "the interruption should leave pending creates").toBeDefined();
        expect(others.length).toBeGreaterThan(0);
        const targeted = await recover(stack, "up", ["--target", target as string]);
        const afterTarget = await snapshot(stack);
        // The targeted up swept the repository: nothing of the stack's is left that its state does not hold.
        expect(afterTarget.flashbackIds).toEqual(afterTarget.stateIds);
        expect(afterTarget.flashbackNames).toEqual([`fleet-${(target as string).split("::key-")[1]}`]);
        await stack.succeed("up", ...UNATTENDED);
        return {
          leftBehind: interrupted.leftBehind,
          commands: [...interrupted.repairs, ...targeted, "pulumi up"],
          expected: declaredKeys("fleet"),
        };
      });
    });
  }
});

interface Outcome {
  leftBehind: string;
  commands: string[];
  expected: Array<{ repoId: string; name: string }>;
}

/** One scenario on a fresh stack: its steps, then the checks every scenario shares, then the stack removed. */
async function runScenario(
  scenario: string,
  steps: (stack: CliStack) => Promise<Outcome>,
  options: { config?: Record<string, string>; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  totals.scenarios += 1;
  emulator.reset();
  humanKeyId = emulator.store.create(TEST_REPO, HUMAN_KEY_NAME, "READ").stored.id;
  stackCount += 1;
  const stack = await cliStackOnEmulator(emulator, {
    programDir: PROGRAM_DIR,
    stackName: `interrupted-${stackCount}`,
    config: { keyCount: String(KEY_COUNT), "flashback:operationTimeout": String(OPERATION_TIMEOUT_S), ...options.config },
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  try {
    const outcome = await steps(stack);
    const after = await snapshot(stack);
    const counted = {
      orphaned: after.flashbackIds.filter((id) => !after.stateIds.includes(id)).length,
      duplicates: after.flashbackNames.length - new Set(after.flashbackNames).size,
      lost: after.stateKeys.filter((key) => !emulator.store.isSecretOf(key.id, key.secret)).length,
    };
    totals.orphaned += counted.orphaned;
    totals.duplicates += counted.duplicates;
    totals.lost += counted.lost;
    rows.push({
      scenario,
      leftBehind: outcome.leftBehind,
      commands: outcome.commands,
      flashback: after.flashbackIds.length,
      state: after.stateIds.length,
    });

    expect(
      emulator.store.allKeys().some((key) => key.id === humanKeyId),
      "the same-named key made by hand survives",
    ).toBe(true);
    expect(counted).toEqual({ orphaned: 0, duplicates: 0, lost: 0 });
    expect(after.flashbackKeys).toEqual(sortKeys(outcome.expected));
    expect(after.pending).toBe(0);
    totals.recovered += 1;
  } finally {
    // The emulator is reset before the next scenario: nothing to destroy.
    await stack.dispose({ destroy: false });
  }
}

/**
 * Starts the phase's command with its requests held by Flashback, interrupts it once enough are in
 * flight, and waits until all is quiet. With `answerFirst`, that many requests are answered at once
 * (a rule without delay, ahead of the hold), and the interruption waits until the backend's
 * checkpoint holds that many keys.
 */
async function interruptWhileHeld(
  stack: CliStack,
  phase: Phase,
  interruption: Interruption,
  options: { answerFirst?: number } = {},
): Promise<{ leftBehind: string; repairs: string[] }> {
  const method = HELD_METHOD[phase];
  const answerFirst = options.answerFirst ?? 0;
  if (answerFirst > 0) emulator.faults.add({ fault: { kind: "delay", ms: 0 }, method, pathPrefix: "/repo/", times: answerFirst });
  emulator.faults.add({ fault: { kind: "delay", ms: HOLD_MS }, method, pathPrefix: "/repo/", times: Infinity });
  let cliPid = 0;
  const args = phase === "destroy" ? ["destroy", ...UNATTENDED] : ["up", ...UNATTENDED];
  const running = stack.run(args, { ownProcessGroup: true, onSpawn: (pid) => (cliPid = pid) });
  await vi.waitFor(
    () => {
      expect(heldInFlight(method), `${method} requests in flight`).toBeGreaterThanOrEqual(MIN_IN_FLIGHT);
      if (answerFirst > 0) expect(keysCheckpointed(stack), "keys in the backend's checkpoint").toBeGreaterThanOrEqual(answerFirst);
    },
    { timeout: 60_000, interval: 50 },
  );
  const tree = descendantsOf(cliPid);
  await interruption.interrupt(cliPid, tree);
  const result = await withTimeout(running, 60_000, "the interrupted CLI to exit");
  expect(result.code, `the interrupted command should not succeed:\n${result.output}`).not.toBe(0);
  const providerLivesOn = tree.some((info) => info.commandLine.includes("cmd/dynamic-provider") && isAlive(info.pid));
  // Flashback acts on every request it received; a provider the CLI left behind finishes (and cleans up) its own.
  await waitForQuiet();
  killAll(tree);
  emulator.faults.reset();
  // The README's first step after a kill: a backend sidecar cut off mid-write makes the stack unreadable.
  const emptySidecars = stack.removeEmptyBackendSidecars();
  const sidecarNote = emptySidecars.length > 0 ? `; ${emptySidecars.join(", ")} left empty` : "";
  const leftBehind = `${describeLeft(await snapshot(stack))}; provider process ${providerLivesOn ? "lived on" : "gone"}${sidecarNote}`;
  const waited = await waitUntilReservationsAbandoned();
  return {
    leftBehind,
    repairs: [
      ...emptySidecars.map((file) => `rm ${file}`),
      ...(waited ? [`(wait until operationTimeout + ${ABANDONED_MARGIN_MS / 1000} s have passed)`] : []),
    ],
  };
}

/**
 * The README's recovery, in its order: if the dead CLI still holds the stack's lock, `pulumi cancel`;
 * if the state has pending creates, `pulumi refresh --clear-pending-creates` (safe with this
 * provider: an interrupted create's key is in the state or under a reservation name that the first
 * write after its create's deadline deletes); then the interrupted command again. Returns the
 * commands it took.
 */
async function recover(stack: CliStack, command: "up" | "destroy", flags: string[] = []): Promise<string[]> {
  const deployment = await stack.exportState();
  const steps = [
    ...((deployment.pending_operations ?? []).some((operation) => operation.type === "creating")
      ? [["refresh", "--clear-pending-creates", ...UNATTENDED]]
      : []),
    [command, ...UNATTENDED, ...flags],
  ];
  const taken: string[] = [];
  for (const args of steps) {
    let result = await stack.run(args);
    if (result.code !== 0 && /currently locked/.test(result.output) && !taken.includes("pulumi cancel")) {
      await stack.succeed("cancel", "--yes");
      taken.push("pulumi cancel");
      result = await stack.run(args);
    }
    expect(result.code, `pulumi ${args.join(" ")} failed:\n${result.output}`).toBe(0);
    taken.push(
      `pulumi ${args
        .filter((arg) => !UNATTENDED.includes(arg))
        .join(" ")
        .replace(/--target \S+/, "--target <urn>")}`,
    );
  }
  return taken;
}

interface Snapshot {
  flashbackKeys: Array<{ repoId: string; name: string }>;
  flashbackIds: string[];
  flashbackNames: string[];
  reservations: number;
  stateIds: string[];
  stateKeys: Array<{ id: string; secret: string }>;
  pending: number;
  pendingTypes: string[];
}

/** Flashback's keys (the hand-made one aside) and the stack's state, side by side. */
async function snapshot(stack: CliStack): Promise<Snapshot> {
  const keys = emulator.store.allKeys().filter((key) => key.id !== humanKeyId);
  const deployment = await stack.exportState(true);
  const stateKeys = keysInState(deployment).map((resource) => ({
    id: resource.id as string,
    secret: sealedTo === undefined ? plaintextOf(resource.outputs?.secret) : sealedTo.decrypt(String(resource.outputs?.encryptedSecret)),
  }));
  const pendingTypes = (deployment.pending_operations ?? []).map((operation) => operation.type);
  return {
    flashbackKeys: sortKeys(keys.map((key) => ({ repoId: key.repoId, name: key.name }))),
    flashbackIds: keys.map((key) => key.id).sort(),
    flashbackNames: keys.map((key) => key.name).sort(),
    reservations: keys.filter((key) => key.name.startsWith(RESERVATION_PREFIX)).length,
    stateIds: stateKeys.map((key) => key.id).sort(),
    stateKeys,
    pending: pendingTypes.length,
    pendingTypes,
  };
}

/** Every secret Flashback issued (deleted keys' too) that appears in `text`: each 40-character base64url run checked. */
function issuedSecretsIn(text: string): string[] {
  const runs = text.match(/[A-Za-z0-9_-]{40,}/g) ?? [];
  const windows = runs.flatMap((run) => Array.from({ length: run.length - 39 }, (_, start) => run.slice(start, start + 40)));
  return windows.filter((candidate) => emulator.store.isIssuedSecret(candidate));
}

/** Keys with an id in the stack's checkpoint this moment (the file backend replaces it whole at each write). */
function keysCheckpointed(stack: CliStack): number {
  return keysInState(stack.checkpoint() ?? {}).filter((resource) => resource.id !== undefined && resource.id !== "").length;
}

/** A checkpoint that holds a key sealed with encryptTo: its plain output `encryptedSecret`. */
function isSealedCheckpoint(text: string): boolean {
  return text.includes('"checkpoint"') && text.includes('"encryptedSecret"');
}

/** `stack export --show-secrets` keeps a secret's envelope and puts its JSON-encoded value under `plaintext`. */
function plaintextOf(value: unknown): string {
  const plaintext = (value as { plaintext?: unknown } | undefined)?.plaintext;
  return typeof plaintext === "string" ? String(JSON.parse(plaintext)) : "";
}

function describeLeft(left: Snapshot): string {
  const pending = Object.entries(
    left.pendingTypes.reduce<Record<string, number>>((counts, type) => ({ ...counts, [type]: (counts[type] ?? 0) + 1 }), {}),
  )
    .map(([type, count]) => `${count} ${type}`)
    .join(", ");
  return `state: ${left.stateIds.length} keys, pending ${pending || "none"}; Flashback: ${left.flashbackIds.length} keys, ${left.reservations} under reservation names`;
}

function declaredKeys(prefix: string): Array<{ repoId: string; name: string }> {
  return sortKeys(Array.from({ length: KEY_COUNT }, (_, index) => ({ repoId: TEST_REPO, name: `${prefix}-${index}` })));
}

function sortKeys(keys: Array<{ repoId: string; name: string }>): Array<{ repoId: string; name: string }> {
  return [...keys].sort((a, b) => `${a.repoId}/${a.name}`.localeCompare(`${b.repoId}/${b.name}`));
}

/**
 * A leftover reservation may be swept only once Flashback's clock puts it past its create's
 * deadline and the margin (provider/lifecycle/reservation.ts). The README's recovery says so; the
 * suite waits as a user would (the Date header counts whole seconds, hence one more). Returns
 * whether there was anything to wait for.
 */
async function waitUntilReservationsAbandoned(): Promise<boolean> {
  const sweepableAt = emulator.store
    .allKeys()
    .filter((key) => key.name.startsWith(RESERVATION_PREFIX))
    .map((key) => Date.parse(key.createdAt) + (reservationLifetimeMs(key.name) ?? 0) + ABANDONED_MARGIN_MS + 1_000);
  if (sweepableAt.length === 0) return false;
  await sleep(Math.max(0, Math.max(...sweepableAt) - Date.now()));
  return true;
}

/** Requests of this method that Flashback received and has not answered yet. */
function heldInFlight(method: string): number {
  return emulator.requests.filter((request) => request.method === method && request.status === 0).length;
}

/** Until every request Flashback received is answered and none has come for a while. */
async function waitForQuiet(): Promise<void> {
  let seen = -1;
  await vi.waitFor(
    () => {
      const quiet = seen === emulator.requests.length && emulator.requests.every((request) => request.status !== 0);
      seen = emulator.requests.length;
      if (!quiet) throw new Error("Flashback is still answering requests");
    },
    { timeout: 60_000, interval: 1_000 },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`timed out waiting for ${what}`)))]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
