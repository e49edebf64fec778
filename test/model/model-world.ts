import fc from "fast-check";
import type { AnswerShapes } from "../../testkit/in-memory-flashback";
import type { SchedulerChoice } from "../../testkit/virtual-time-scheduler";

/*
 * What the generator chooses for one run of the protocol model: the machines and stacks, the
 * commands they run in rounds, how Flashback writes its answers, and every order and delay.
 */

export const REPOS = ["repo-a", "repo-b"] as const;
export const RESOURCES = ["r0", "r1", "r2", "r3"] as const;

/** A declared `RepoApiKey`: its logical name and inputs. */
export interface Declared {
  resource: (typeof RESOURCES)[number];
  repo: (typeof REPOS)[number];
  name: string;
  accessType: "READ" | "WRITE" | "ADMIN";
  rotateWhenChanged?: string;
  /** With `encryptTo`: the secret sealed to the age recipient the run's test holds the private key of. */
  sealed?: boolean;
}

/**
 * A stack on a backend. Stacks with the same `identity` on two backends share their reservation
 * scope and nothing else (no lock, no state): the case that once made a sweep delete a live key.
 */
export interface StackSpec {
  identity: "dev" | "prod";
  backend: "a" | "b";
  /** Explicit providers of one program: each its own process, lifecycle, gate and sweep. */
  processes: 1 | 2;
  operationTimeoutS: number;
  /** How far the stack's machine's wall clock is off Flashback's. */
  skewMs: number;
}

export type Kill = {
  /**
   * "engine": the CLI dies, its provider process lives on and finds the engine gone. "process":
   * the provider process dies with it (SIGKILL of the dynamic-provider process, a double Ctrl-C).
   */
  mode: "engine" | "process";
  /** For each request in flight when a process dies: whether it still reaches Flashback (cycled). */
  reach: boolean[];
  /** How many of the deployment's own steps run before the kill may land (then the scheduler picks when). */
  afterSteps: number;
};

/** The stack's machine sleeps (laptop lid, VM pause): its wall clock and Flashback's go on, its monotonic clock stands still. */
export interface Sleep {
  ms: number;
  /** As for a kill: how many of the deployment's own steps run first. */
  afterSteps: number;
}

export interface Command {
  stack: number;
  kind: "up" | "refresh" | "destroy" | "import";
  /** For `pulumi import`: which key made by hand (modulo how many there are) becomes which resource. */
  adopt?: { key: number; resource: Declared["resource"] } | undefined;
  program: Declared[];
  /** A kill lands where the scheduler puts it; the README's recovery follows. */
  kill?: Kill | undefined;
  sleep?: Sleep | undefined;
  /** Deployments of one round start apart: this long after the round begins. */
  startsAfterMs?: number | undefined;
}

/** Somebody in Flashback's console, between rounds. */
export type ConsoleAct =
  | { kind: "rename"; stack: number; resource: Declared["resource"]; name: string }
  | { kind: "delete"; stack: number; resource: Declared["resource"] };

/** A token that loses sight of a repository for a while: its keys stay and keep working. */
export interface Refusal {
  repo: (typeof REPOS)[number];
  status: 403 | 404;
  methods: "lists" | "all";
}

export interface Round {
  commands: Command[];
  /** Lands at a point the scheduler picks, and ends with the round. */
  refusal?: Refusal | undefined;
  console: ConsoleAct[];
}

/** A request that goes wrong on the wire: never sent, answered 503 without acting, or acted on with the answer lost. */
export type WireFault = "none" | "unsent" | "503" | "lost";

export interface World {
  /** The provider machines' zone: `Date.parse` reads a date without a zone in it. */
  timeZone: string;
  shapes: AnswerShapes;
  stacks: StackSpec[];
  /** Keys made by hand before any deployment. */
  handMade: Array<{ repo: (typeof REPOS)[number]; name: string }>;
  rounds: Round[];
  wire: WireFault[];
  /** How long each request takes to reach Flashback, in the order they are sent (0 once the list runs out); others go on meanwhile. */
  latencies: number[];
  /** Which of Flashback's servers (on time, ahead, behind) answers each request Flashback acts on. */
  servers: number[];
  choices: SchedulerChoice[];
}

/** Names a user may declare: plain ones, ones two stacks share, and ones shaped like a reservation (`pulumi-pending-<12 hex>-<12 hex>-<seconds>`). */
export const NAME_POOL = [
  "app-reader",
  "app-writer",
  "ci-deployer",
  "shared",
  "pulumi-pending-0123456789ab-cdef01234567-5",
  "pulumi-pending-aaaaaaaaaaaa-bbbbbbbbbbbb-3600",
] as const;

const nameArb = fc.constantFrom(...NAME_POOL);

const declaredArb: fc.Arbitrary<Declared> = fc.record(
  {
    resource: fc.constantFrom(...RESOURCES),
    repo: fc.constantFrom(...REPOS),
    name: nameArb,
    accessType: fc.constantFrom("READ" as const, "WRITE" as const, "ADMIN" as const),
    rotateWhenChanged: fc.constantFrom("1", "2"),
    // Sealing costs a few ms of X25519 on the scheduler's thread: one key in twenty-four keeps the model's time modest.
    sealed: fc.nat({ max: 23 }).map((draw) => draw === 23),
  },
  { requiredKeys: ["resource", "repo", "name", "accessType"] },
);

const programArb = fc.uniqueArray(declaredArb, { maxLength: 3, selector: (declared) => declared.resource });

const killArb: fc.Arbitrary<Kill> = fc.record({
  mode: fc.constantFrom("engine" as const, "process" as const),
  reach: fc.array(fc.boolean(), { maxLength: 4 }),
  afterSteps: fc.nat({ max: 16 }),
});

const sleepArb: fc.Arbitrary<Sleep> = fc.record({ ms: fc.integer({ min: 1_000, max: 120_000 }), afterSteps: fc.nat({ max: 16 }) });

function commandArb(stacks: number): fc.Arbitrary<Command> {
  return fc.record(
    {
      stack: fc.nat({ max: stacks - 1 }),
      kind: fc.constantFrom("up" as const, "up" as const, "up" as const, "refresh" as const, "destroy" as const, "import" as const),
      adopt: fc.record({ key: fc.nat({ max: 1 }), resource: fc.constantFrom(...RESOURCES) }),
      program: programArb,
      kill: fc.option(killArb, { freq: 3, nil: undefined }),
      sleep: fc.option(sleepArb, { freq: 4, nil: undefined }),
      startsAfterMs: fc.option(fc.integer({ min: 0, max: 25_000 }), { freq: 2, nil: undefined }),
    },
    { requiredKeys: ["stack", "kind", "program"] },
  );
}

function consoleArb(stacks: number): fc.Arbitrary<ConsoleAct> {
  return fc.oneof(
    fc.record({
      kind: fc.constant("rename" as const),
      stack: fc.nat({ max: stacks - 1 }),
      resource: fc.constantFrom(...RESOURCES),
      name: nameArb,
    }),
    fc.record({ kind: fc.constant("delete" as const), stack: fc.nat({ max: stacks - 1 }), resource: fc.constantFrom(...RESOURCES) }),
  );
}

const refusalArb: fc.Arbitrary<Refusal> = fc.record({
  repo: fc.constantFrom(...REPOS),
  status: fc.constantFrom(403 as const, 404 as const),
  methods: fc.constantFrom("lists" as const, "all" as const),
});

function roundArb(stacks: number): fc.Arbitrary<Round> {
  return fc.record(
    {
      // One command per stack at a time: a stack's lock allows no more.
      // One command per stack at a time (a stack's lock allows no more): the run keeps the first for each.
      commands: fc.array(commandArb(stacks), { minLength: 1, maxLength: stacks }),
      refusal: fc.option(refusalArb, { freq: 4, nil: undefined }),
      console: fc.array(consoleArb(stacks), { maxLength: 2 }),
    },
    { requiredKeys: ["commands", "console"] },
  );
}

const stackArb: fc.Arbitrary<StackSpec> = fc.record({
  identity: fc.constantFrom("dev" as const, "prod" as const),
  backend: fc.constantFrom("a" as const, "b" as const),
  processes: fc.constantFrom(1 as const, 1 as const, 2 as const),
  operationTimeoutS: fc.constantFrom(10, 20, 60),
  skewMs: fc.oneof(fc.constant(0), fc.integer({ min: -600_000, max: 600_000 })),
});

const shapesArb: fc.Arbitrary<AnswerShapes> = fc.record({
  createdAt: fc.constantFrom("utc" as const, "utc" as const, "offset" as const, "zoneless" as const, "missing" as const),
  offsetMinutes: fc.constantFrom(540, -300, 330),
  createdAtPrecision: fc.constantFrom("milliseconds" as const, "seconds" as const),
  dateHeader: fc.constantFrom(true, true, true, true, false),
  duplicateNames: fc.constantFrom("accept" as const, "refuse" as const),
  // The README's margin covers "a few seconds" between Flashback's servers.
  serverClockSpreadMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 })),
});

const choiceArb: fc.Arbitrary<SchedulerChoice> = fc.record({
  pick: fc.nat({ max: 9 }),
  advanceMs: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 2_500 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40_000 }) },
    // Near the 10 s lifetime and its 10 s margin, where a claim and a sweep decide.
    { weight: 1, arbitrary: fc.integer({ min: 7_000, max: 11_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 17_000, max: 21_000 }) },
  ),
});

/** At most this many stacks; a command's `stack` is taken modulo the number there are, so that both shrink apart. */
const MAX_STACKS = 3;

export const worldArb: fc.Arbitrary<World> = fc.record({
  timeZone: fc.constantFrom("UTC", "Asia/Tokyo", "America/Los_Angeles"),
  shapes: shapesArb,
  stacks: fc.uniqueArray(stackArb, { minLength: 1, maxLength: MAX_STACKS, selector: stackName }),
  handMade: fc.array(fc.record({ repo: fc.constantFrom(...REPOS), name: nameArb }), { maxLength: 2 }),
  rounds: fc.array(roundArb(MAX_STACKS), { minLength: 1, maxLength: 3 }),
  wire: fc.array(fc.constantFrom<WireFault>("none", "none", "none", "none", "unsent", "503", "lost"), { maxLength: 24 }),
  latencies: fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 12_000 }) },
    ),
    { maxLength: 30 },
  ),
  servers: fc.array(fc.nat({ max: 2 }), { maxLength: 40 }),
  choices: fc.array(choiceArb, { maxLength: 160 }),
});

export function stackName(stack: StackSpec): string {
  return `${stack.identity}@${stack.backend}`;
}

/** Flashback's plainest answers: `createdAt` with `Z` and milliseconds, a `Date` header, one clock; `overrides` changes some. */
export function plainShapes(overrides: Partial<AnswerShapes> = {}): AnswerShapes {
  return {
    createdAt: "utc",
    offsetMinutes: 540,
    createdAtPrecision: "milliseconds",
    dateHeader: true,
    duplicateNames: "accept",
    serverClockSpreadMs: 0,
    ...overrides,
  };
}

/** A world with nothing chosen but what `overrides` says: one stack `dev@a`, plain answers, no faults, first come first served. */
export function plainWorld(overrides: Partial<World> & Pick<World, "rounds">): World {
  return {
    timeZone: "UTC",
    shapes: plainShapes(),
    stacks: [{ identity: "dev", backend: "a", processes: 1, operationTimeoutS: 10, skewMs: 0 }],
    handMade: [],
    wire: [],
    latencies: [],
    servers: [],
    choices: [],
    ...overrides,
  };
}
