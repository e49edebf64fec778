import { describe, expect, it } from "vitest";
import { runWorld } from "./run-model";
import { plainShapes, plainWorld, type Declared, type World } from "./model-world";
import { eventsOf, happensInOrder, type EventOf, type TraceEvent } from "./model-trace";

/*
 * Every sequence the protocol model (protocol-model.test.ts) found, as fast-check shrank it, kept
 * as a plain example: the invariant it broke, the code at fault, and the interleaving it names,
 * checked on the run's trace so that a change to the code or the model cannot make it pass by no
 * longer getting there. Each must now keep every promise.
 */

type Applied = EventOf<"applied">;

/** A request Flashback acted on, by method, path and whatever else `also` asks. */
const applied =
  (method: string, path: RegExp, also: (event: Applied, before: readonly TraceEvent[]) => boolean = () => true) =>
  (event: TraceEvent, before: readonly TraceEvent[]): boolean =>
    event.kind === "applied" && event.method === method && path.test(event.path) && also(event, before);

const KEY_PATH = /^repo\/[^/]+\/apikey\/[^/]+$/;
const LIST_PATH = /^repo\/[^/]+\/apikey$/;
const deploymentOf = (process: string): string => process.split(".")[0]!;

const reader = (resource: Declared["resource"], repo: Declared["repo"], name = "app-reader"): Declared => ({
  resource,
  repo,
  name,
  accessType: "READ",
});

interface Kept {
  name: string;
  world: World;
  /** The interleaving the name promises, in words and as a check on the trace. */
  interleaving: string;
  happens: (trace: readonly TraceEvent[]) => boolean;
}

const FOUND: Array<Kept & { broke: string; cause: string }> = [
  {
    name: "a declared name shaped like a reservation",
    broke: "key lost: the final sweep deleted a key the stack holds",
    cause: "check accepted pulumi-pending-<hex>-<hex>-5, and the sweep deletes any such name once older than 5 s + margin",
    interleaving: "the check refuses the name, before any key is made",
    happens: (trace) =>
      eventsOf(trace, "refused", (event) => /pulumi-pending/.test(event.reason)).length > 0 &&
      eventsOf(trace, "applied", (event) => event.method === "POST" && event.step?.stack === 0).length === 0,
    world: plainWorld({
      rounds: [
        {
          commands: [{ stack: 0, kind: "up", program: [reader("r0", "repo-a", "pulumi-pending-0123456789ab-cdef01234567-5")] }],
          console: [],
        },
      ],
    }),
  },
  {
    name: "an import of a key made by hand under a reservation's name",
    broke: "key lost: the final sweep deleted the key the stack had just adopted",
    cause: "importKey adopted a key whose name the sweep deletes once older than its lifetime",
    interleaving: "the import lists the key under its reservation name and refuses it",
    happens: (trace) => eventsOf(trace, "failed", (event) => event.step.kind === "import" && /reservation/.test(event.error)).length > 0,
    world: plainWorld({
      handMade: [{ repo: "repo-a", name: "pulumi-pending-0123456789ab-cdef01234567-5" }],
      rounds: [{ commands: [{ stack: 0, kind: "import", adopt: { key: 0, resource: "r0" }, program: [] }], console: [] }],
    }),
  },
  {
    name: "a refresh after a rename in the console into a reservation's shape",
    broke: "key lost (at the next sweep): the refresh handed the state a key under a name the sweep deletes",
    cause: "read returned whatever name Flashback listed; the command the run drops as a second one for the stack was taken out by hand",
    interleaving: "the console's rename, then the refresh that lists the key under it and refuses it",
    happens: (trace) =>
      happensInOrder(trace, [
        (event) => event.kind === "console" && event.act === "rename",
        (event) => event.kind === "failed" && event.step.kind === "read" && /reservation/.test(event.error),
      ]),
    world: plainWorld({
      rounds: [
        {
          commands: [{ stack: 0, kind: "up", program: [reader("r3", "repo-a")] }],
          console: [{ kind: "rename", stack: 0, resource: "r3", name: "pulumi-pending-0123456789ab-cdef01234567-5" }],
        },
        { commands: [{ stack: 0, kind: "refresh", program: [] }], console: [] },
      ],
    }),
  },
  {
    name: "a refresh while the token cannot see the repository (404 on lists)",
    broke: "key orphaned: the refresh dropped a live key from the state",
    cause: "listApiKeys took any 404 for a deleted repository, and read answered 'gone'",
    interleaving: "the key made, then the refresh's listing answered 404",
    happens: (trace) =>
      happensInOrder(trace, [
        (event) => event.kind === "checkpoint" && event.step.kind === "create",
        (event) => event.kind === "refusal" && event.status === 404,
        applied("GET", LIST_PATH, (event) => event.status === 404 && event.step?.kind === "read"),
      ]),
    world: plainWorld({
      rounds: [
        { commands: [{ stack: 0, kind: "up", program: [reader("r0", "repo-b")] }], console: [] },
        { commands: [{ stack: 0, kind: "refresh", program: [] }], refusal: { repo: "repo-b", status: 404, methods: "lists" }, console: [] },
      ],
    }),
  },
  {
    name: "a destroy while the token cannot see the repository (404 on everything)",
    broke: "key orphaned: the destroy counted a live key as deleted",
    cause: "deleteApiKey took the repository's 404 for 'absent'",
    interleaving: "the key made, then the destroy's DELETE answered 404",
    happens: (trace) =>
      happensInOrder(trace, [
        (event) => event.kind === "checkpoint" && event.step.kind === "create",
        applied("DELETE", KEY_PATH, (event) => event.status === 404 && event.step?.kind === "delete"),
      ]),
    world: plainWorld({
      rounds: [
        { commands: [{ stack: 0, kind: "up", program: [reader("r0", "repo-b")] }], console: [] },
        { commands: [{ stack: 0, kind: "destroy", program: [] }], refusal: { repo: "repo-b", status: 404, methods: "all" }, console: [] },
      ],
    }),
  },
  {
    name: "createdAt without a zone, read in Tokyo, two providers of one program",
    broke: "key lost: one process's sweep deleted the key the other had just handed over",
    cause: "Date.parse read the zoneless createdAt as Tokyo time, so a reservation made a moment ago looked 9 hours old",
    interleaving: "one process's POST, the other process's listing of the repository, then the first one's claim",
    happens: (trace) =>
      happensInOrder(trace, [
        applied("POST", LIST_PATH),
        applied("GET", LIST_PATH, (event, [post]) => event.process !== (post as Applied).process),
        applied("PUT", KEY_PATH, (event, [post]) => event.process === (post as Applied).process),
      ]),
    world: plainWorld({
      timeZone: "Asia/Tokyo",
      shapes: plainShapes({ createdAt: "zoneless" }),
      stacks: [{ identity: "dev", backend: "a", processes: 2, operationTimeoutS: 10, skewMs: 0 }],
      rounds: [{ commands: [{ stack: 0, kind: "up", program: [reader("r0", "repo-a"), reader("r3", "repo-a")] }], console: [] }],
      wire: ["lost", "none", "none", "503"],
    }),
  },
  {
    name: "createdAt without a zone, read in Los Angeles, a create killed between its POST and its claim",
    broke: "key orphaned: the reservation it left was never swept, and nothing said so",
    cause:
      "Date.parse read the zoneless createdAt as Los Angeles time, 8 hours ahead, so the leftover never looked old enough; no warning said the sweep had no proof",
    interleaving:
      "the create killed with its POST in flight, which still reaches Flashback; no claim; then the warning that the leftover cannot be proved abandoned",
    happens: (trace) => {
      const byD1 = (event: Applied): boolean => deploymentOf(event.process) === "d1";
      return (
        eventsOf(trace, "kill", (event) => event.deployment === "d1").length === 1 &&
        eventsOf(trace, "applied", (event) => byD1(event) && event.method === "POST" && event.status === 200).length === 1 &&
        eventsOf(trace, "applied", (event) => byD1(event) && event.method === "PUT").length === 0 &&
        eventsOf(trace, "warning", (event) => /cannot prove them abandoned/.test(event.message)).length > 0
      );
    },
    world: plainWorld({
      timeZone: "America/Los_Angeles",
      shapes: plainShapes({ createdAt: "zoneless" }),
      rounds: [
        {
          commands: [{ stack: 0, kind: "up", program: [reader("r0", "repo-a")], kill: { mode: "process", reach: [], afterSteps: 5 } }],
          console: [],
        },
      ],
      wire: ["unsent"],
    }),
  },
  {
    name: "a laptop sleep between a create's POST and its answer, beside another stack writing in the repository",
    broke: "key lost: the other stack's sweep deleted the key this one was handed",
    cause:
      "the claim's deadline ran on the monotonic clock alone, which stood still through the 16.6 s sleep, while the sweep judged the reservation on Flashback's clock",
    interleaving: "the dev stack's POST acted on, its machine's sleep, the POST's answer, then the prod stack's write in the repository",
    happens: (trace) =>
      happensInOrder(trace, [
        applied("POST", LIST_PATH, (event) => deploymentOf(event.process) === "d2"),
        (event) => event.kind === "sleep" && event.deployment === "d2" && event.ms > 10_000,
        (event) => event.kind === "answered" && event.method === "POST" && deploymentOf(event.process) === "d2",
        (event) => event.kind === "applied" && deploymentOf(event.process) === "d1" && event.path.startsWith("repo/repo-b/"),
      ]),
    world: plainWorld({
      stacks: [
        { identity: "prod", backend: "a", processes: 1, operationTimeoutS: 10, skewMs: 0 },
        { identity: "dev", backend: "a", processes: 1, operationTimeoutS: 10, skewMs: 0 },
      ],
      rounds: [
        {
          commands: [
            { stack: 0, kind: "up", program: [reader("r0", "repo-b")], sleep: { ms: 1000, afterSteps: 0 } },
            { stack: 1, kind: "up", program: [reader("r0", "repo-b")], sleep: { ms: 16580, afterSteps: 0 } },
          ],
          console: [],
        },
      ],
      choices: [
        { pick: 3, advanceMs: 0 },
        { pick: 7, advanceMs: 0 },
        { pick: 3, advanceMs: 2120 },
        { pick: 3, advanceMs: 845 },
        { pick: 0, advanceMs: 2455 },
      ],
    }),
  },
  {
    name: "a rename answered after the create's time, then the repository's 404 to deleting the key",
    broke: "key orphaned: a key under its declared name that no state holds and no sweep will ever delete",
    cause:
      "the create's cleanup took the 404 to its DELETE for 'already deleted', while the token had only lost sight of the repository (create-without-orphans.ts, deleteUnclaimedKey; fixed on this branch: a listing must confirm it, else the key is recorded as a partial resource)",
    interleaving:
      "a claim's answer arriving the 10 s lifetime after its POST, the cleanup's DELETE answered 404 as the token lost sight of the repository, the key recorded as partial",
    happens: (trace) =>
      happensInOrder(trace, [
        applied("POST", LIST_PATH),
        (event, [post]) => event.kind === "answered" && event.method === "PUT" && event.atMs - post!.atMs >= 10_000,
        applied("DELETE", KEY_PATH, (event, [, claim]) => event.status === 404 && event.path === (claim as EventOf<"answered">).path),
        (event) => event.kind === "checkpoint" && event.partial,
      ]),
    world: plainWorld({
      rounds: [
        {
          commands: [{ stack: 0, kind: "up", program: [reader("r0", "repo-a"), reader("r2", "repo-a")] }],
          refusal: { repo: "repo-a", status: 404, methods: "all" },
          console: [],
        },
      ],
      choices: [
        { pick: 4, advanceMs: 0 },
        { pick: 1, advanceMs: 0 },
        { pick: 1, advanceMs: 0 },
        { pick: 1, advanceMs: 0 },
        { pick: 1, advanceMs: 0 },
        { pick: 2, advanceMs: 0 },
        { pick: 5, advanceMs: 0 },
        { pick: 0, advanceMs: 10000 },
      ],
    }),
  },
];

/**
 * Built by hand where the search seldom goes: the sweep's 10 s margin is what covers Flashback's
 * servers' clocks. A create's POST is stamped by a server 3 s behind, another stack's sweep lists
 * 5 s later on a server 3 s ahead (the reservation looks 11 s old, past its 10 s lifetime), and
 * the claim's rename, answered by the server behind, lands in time by every clock.
 */
const BUILT: Kept[] = [
  {
    name: "a sweep on a server ahead, a claim on a server behind",
    interleaving: "the dev stack's POST on the server behind, the prod stack's listing on the server ahead, the claim on the server behind",
    happens: (trace) =>
      happensInOrder(trace, [
        applied("POST", LIST_PATH, (event) => event.server === 2 && deploymentOf(event.process) === "d1"),
        applied("GET", LIST_PATH, (event) => event.server === 1 && deploymentOf(event.process) === "d2"),
        applied("PUT", KEY_PATH, (event) => event.server === 2 && event.status === 200 && deploymentOf(event.process) === "d1"),
      ]),
    world: plainWorld({
      shapes: plainShapes({ serverClockSpreadMs: 3000 }),
      stacks: [
        { identity: "dev", backend: "a", processes: 1, operationTimeoutS: 10, skewMs: 0 },
        { identity: "prod", backend: "a", processes: 1, operationTimeoutS: 10, skewMs: 0 },
      ],
      rounds: [
        {
          commands: [
            { stack: 0, kind: "up", program: [reader("r0", "repo-a")] },
            { stack: 1, kind: "up", program: [reader("r0", "repo-a", "app-writer")] },
          ],
          console: [],
        },
      ],
      // The dev stack's sweep (server 0), its POST (server 2, behind), the prod stack's sweep (server 1, ahead), the claim (server 2).
      servers: [0, 2, 1, 2],
      choices: [0, 1, 1, 1, 1, 0, 1, 1, 0, 0].map((pick, index) => ({ pick, advanceMs: index === 5 ? 5_000 : 0 })),
    }),
  },
];

async function keepsEveryPromise({ world, interleaving, happens }: Kept): Promise<void> {
  const verdict = await runWorld(world);
  expect(happens(verdict.trace), `the run no longer goes through: ${interleaving}`).toBe(true);
  expect(verdict.findings).toEqual([]);
}

describe("sequences the protocol model found", () => {
  it.each(FOUND)("$name keeps every promise", keepsEveryPromise);
});

describe("sequences built by hand", () => {
  it.each(BUILT)("$name keeps every promise", keepsEveryPromise);
});
