import { InMemoryFlashback } from "../../testkit/in-memory-flashback";
import { Machine, VirtualTimeScheduler } from "../../testkit/virtual-time-scheduler";
import { ModelDeployment, type ModelRun, type ModelStack } from "./model-deployment";
import type { LifecycleFault } from "./model-faults";
import { ModelLedger, type Counts } from "./model-invariants";
import { modelReader } from "./model-recipient";
import { StackState } from "./model-state";
import { ModelTrace, traceStepOf, type TraceEvent } from "./model-trace";
import { ModelWire } from "./model-wire";
import { REPOS, stackName, type Command, type Declared, type Round, type World } from "./model-world";

/** What one run found: the counts, each finding, and the story of the run. */
export interface Verdict {
  counts: Counts;
  commands: number;
  findings: string[];
  log: string[];
  /** What happened, in order: what a kept sequence checks its interleaving on. */
  trace: TraceEvent[];
}

export interface RunOptions {
  /** A fault put into every process's lifecycle (model-faults.ts): the run must then report it. */
  fault?: LifecycleFault;
}

const TOKEN = "fb-model-access-token-5f1d0c9e";
/** README: a leftover is deleted by the first write in its repository once its create's `operationTimeout` + 10 s have passed. */
const SWEEP_MARGIN_MS = 10_000;
/** Flashback's `Date` header has whole seconds: a listing may read up to one second early. */
const DATE_RESOLUTION_MS = 1_000;
const START_MS = Date.parse("2026-12-02T10:00:00.000Z");

/**
 * One run of the model: the world's rounds of commands against one in-memory Flashback, each
 * killed deployment recovered as the README says, then one more deployment that writes to every
 * repository once every create's time is over, and the invariants checked on what is left.
 */
export async function runWorld(world: World, options: RunOptions = {}): Promise<Verdict> {
  const previousZone = process.env.TZ;
  process.env.TZ = world.timeZone;
  try {
    return await drive(world, options);
  } finally {
    if (previousZone === undefined) delete process.env.TZ;
    else process.env.TZ = previousZone;
  }
}

async function drive(world: World, options: RunOptions): Promise<Verdict> {
  const reader = await modelReader();
  const scheduler = new VirtualTimeScheduler(START_MS, world.choices);
  const flashback = new InMemoryFlashback({
    clock: () => scheduler.now,
    repos: REPOS,
    accessTokens: [TOKEN],
    shapes: world.shapes,
    servers: world.servers,
  });
  const handMade = world.handMade
    .map((key) => flashback.seed(key.repo, key.name))
    .map((key, index) => ({ repoId: key.repoId, id: key.id, adopter: index % world.stacks.length }));
  const stacks: ModelStack[] = world.stacks.map((spec, index) => ({
    index,
    identity: spec.identity,
    machine: new Machine(`machine of ${stackName(spec)}`, spec.skewMs),
    processes: spec.processes,
    operationTimeoutS: spec.operationTimeoutS,
  }));
  const sweeper: ModelStack = {
    index: stacks.length,
    identity: "sweeper",
    machine: new Machine("sweeper", 0),
    processes: 1,
    operationTimeoutS: 300,
  };
  const states = [...stacks, sweeper].map(() => new StackState());
  const ledger = new ModelLedger(flashback, states, TOKEN, reader.openAfterRun, scheduler.log);
  const trace = new ModelTrace(() => scheduler.now);
  const wire = new ModelWire(
    scheduler,
    flashback,
    { faults: world.wire, latencies: world.latencies },
    (request, tag, result, process) => {
      const sweep = ledger.onApplied(request, tag, result);
      const status = result.kind === "response" ? result.status : 0;
      const server = flashback.applied.at(-1)?.server ?? 0;
      trace.add({ kind: "applied", process, method: request.method, path: request.path, status, server, step: traceStepOf(tag), sweep });
    },
    trace,
  );
  const run: ModelRun = {
    scheduler,
    wire,
    ledger,
    states,
    token: TOKEN,
    commands: 0,
    handMade,
    trace,
    recipient: reader.recipient,
    openSealed: reader.open,
    fault: options.fault,
    running: new Set(),
  };

  for (const round of world.rounds) {
    const commands = oneCommandPerStack(round, stacks.length);
    if (round.refusal !== undefined) {
      const { repo, status, methods } = round.refusal;
      scheduler.schedule(`the token loses sight of ${repo} (${status} on ${methods})`, "world", () => {
        trace.add({ kind: "refusal", repo, status, methods });
        flashback.refuse(repo, { status, methods });
      });
    }
    const started = commands.map((command) => ({ command, deployment: new ModelDeployment(run, stacks[command.stack]!) }));
    for (const { command, deployment } of started) void startLater(run, command, deployment);
    await settle(run);
    if (round.refusal !== undefined) flashback.refuse(round.refusal.repo, undefined);
    ledger.checkHeld();
    await recover(
      run,
      stacks,
      started.filter(({ deployment }) => deployment.record.killed).map(({ command }) => command),
    );
    applyConsole(round, run, flashback, stacks);
  }

  // A later deployment that writes to every repository once every create's time is over: the README's
  // "first write". Flashback answers it whole, so that it leaves nothing of its own.
  wire.calm();
  const longestLifetimeMs = Math.max(...stacks.map((stack) => stack.operationTimeoutS * 1000));
  // Flashback's servers' clocks may put the listing's Date behind the createdAt stamp by twice their spread.
  scheduler.advance(longestLifetimeMs + SWEEP_MARGIN_MS + DATE_RESOLUTION_MS + 2 * world.shapes.serverClockSpreadMs + 1);
  const sweep: Declared[] = REPOS.map((repo, index) => ({
    resource: `r${index}` as Declared["resource"],
    repo,
    name: "model-sweeper",
    accessType: "READ",
  }));
  void new ModelDeployment(run, sweeper).start({ kind: "up", program: sweep });
  await settle(run);
  void new ModelDeployment(run, sweeper).start({ kind: "destroy", program: [] });
  await settle(run);

  const counts = await ledger.finish(world.shapes);
  return { counts, commands: run.commands, findings: ledger.findings(), log: scheduler.log, trace: trace.events };
}

/**
 * README, "Recovering from an interrupted deployment": `pulumi refresh --clear-pending-creates`,
 * then the command again after `operationTimeout` + 10 s, each in a fresh process.
 */
async function recover(run: ModelRun, stacks: readonly ModelStack[], killed: readonly Command[]): Promise<void> {
  if (killed.length === 0) return;
  for (const command of killed) void new ModelDeployment(run, stacks[command.stack]!).start({ kind: "refresh", program: [] });
  await settle(run);
  run.scheduler.advance(Math.max(...killed.map((command) => stacks[command.stack]!.operationTimeoutS * 1000)) + SWEEP_MARGIN_MS);
  for (const command of killed)
    void new ModelDeployment(run, stacks[command.stack]!).start({ kind: command.kind, program: command.program });
  await settle(run);
  run.ledger.checkHeld();
}

/**
 * Runs the scheduler out. A call of a living process still unfinished then waits on work outside
 * virtual time (a thread-pool job, real I/O): the run would depend on the machine's speed, so it stops.
 */
async function settle(run: ModelRun): Promise<void> {
  await run.scheduler.run();
  const stuck = [...run.running].filter((call) => call.alive()).map((call) => call.process);
  if (stuck.length > 0)
    throw new Error(`the scheduler ran out while ${stuck.join(", ")} still had a lifecycle call running outside virtual time`);
}

/** Starts a command once its delay has passed on the scheduler's time. */
async function startLater(run: ModelRun, command: Command, deployment: ModelDeployment): Promise<void> {
  if (command.startsAfterMs !== undefined) await run.scheduler.clockFor("world", CALENDAR).sleep(command.startsAfterMs);
  await deployment.start(command);
}

/** The clock the rounds are timed by: Flashback's, which never sleeps. */
const CALENDAR = new Machine("calendar", 0);

function oneCommandPerStack(round: Round, stacks: number): Command[] {
  const seen = new Set<number>();
  return round.commands
    .map((command) => ({ ...command, stack: command.stack % stacks }))
    .filter((command) => !seen.has(command.stack) && seen.add(command.stack));
}

/** Somebody in the console renames or deletes a key a stack holds: drift the next refresh or up meets. */
function applyConsole(round: Round, run: ModelRun, flashback: InMemoryFlashback, stacks: readonly ModelStack[]): void {
  for (const act of round.console) {
    const stack = stacks[act.stack % stacks.length]!;
    const held = run.states[stack.index]!.entries.find((entry) => entry.urn.endsWith(`::${act.resource}`) && !entry.condemned);
    const key = held === undefined ? undefined : flashback.find(held.id);
    if (key === undefined) continue;
    run.trace.add({ kind: "console", act: act.kind, keyId: key.id });
    if (act.kind === "rename") flashback.renameByHand(key.repoId, key.id, act.name);
    else flashback.handle({ method: "DELETE", path: `repo/${key.repoId}/apikey/${key.id}`, token: TOKEN }, "console");
  }
}
