import { describe, expect, it } from "vitest";
import { runWorld } from "./run-model";
import { plainShapes, plainWorld, type Declared, type World } from "./model-world";

/*
 * Every sequence the protocol model (protocol-model.test.ts) found, as fast-check shrank it, kept
 * as a plain example: the invariant it broke and the code at fault. Each must now keep every promise.
 */

const reader = (resource: Declared["resource"], repo: Declared["repo"], name = "app-reader"): Declared => ({
  resource,
  repo,
  name,
  accessType: "READ",
});

const FOUND: Array<{ name: string; broke: string; cause: string; world: World }> = [
  {
    name: "a declared name shaped like a reservation",
    broke: "key lost: the final sweep deleted a key the stack holds",
    cause:
      "check accepted pulumi-pending-<hex>-<hex>-5, and the sweep deletes any such name once older than 5 s + margin (issue 21, point 1)",
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
    cause: "importKey adopted a key whose name the sweep deletes once older than its lifetime (issue 21, point 1)",
    world: plainWorld({
      handMade: [{ repo: "repo-a", name: "pulumi-pending-0123456789ab-cdef01234567-5" }],
      rounds: [{ commands: [{ stack: 0, kind: "import", adopt: { key: 0, resource: "r0" }, program: [] }], console: [] }],
    }),
  },
  {
    name: "a refresh after a rename in the console into a reservation's shape",
    broke: "key lost (at the next sweep): the refresh handed the state a key under a name the sweep deletes",
    cause:
      "read returned whatever name Flashback listed (issue 21, point 1); the command the run drops as a second one for the stack was taken out by hand",
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
    cause: "listApiKeys took any 404 for a deleted repository, and read answered 'gone' (issue 21, point 3)",
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
    cause: "deleteApiKey took the repository's 404 for 'absent' (issue 21, point 3)",
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
    cause:
      "Date.parse read the zoneless createdAt as Tokyo time, so a reservation made a moment ago looked 9 hours old (issue 21, point 2)",
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
      "Date.parse read the zoneless createdAt as Los Angeles time, 8 hours ahead, so the leftover never looked old enough; no warning said the sweep had no proof (issue 21, point 2)",
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
      "the claim's deadline ran on the monotonic clock alone, which stood still through the 16.6 s sleep, while the sweep judged the reservation on Flashback's clock (issue 21, point 2)",
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
const BUILT: Array<{ name: string; world: World }> = [
  {
    name: "a sweep on a server ahead, a claim on a server behind",
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

describe("sequences the protocol model found", () => {
  it.each(FOUND)("$name keeps every promise", async ({ world }) => {
    const verdict = await runWorld(world);
    expect(verdict.findings).toEqual([]);
  });
});

describe("sequences built by hand", () => {
  it.each(BUILT)("$name keeps every promise", async ({ world }) => {
    const verdict = await runWorld(world);
    expect(verdict.findings).toEqual([]);
  });
});
