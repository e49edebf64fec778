import fc from "fast-check";

/*
 * The model's view of a `RotatingRepoApiKey` with its `RotationSchedule`: a pair of keys driven
 * across deployments on virtual time by the moves a user makes. A `RotationWorld` runs the real
 * rotation and schedule code behind this interface (rotation-worlds.ts lists them); the model
 * judges only what it observes (rotation-ledger.ts).
 */

/** What happens between two moments of a stack's life. */
export type RotationMove =
  /** Time passes on the world's virtual clock: periods of a schedule fall due. */
  | { kind: "wait"; days: number }
  /** The user sets `rotation` (a rise of any size, a fall, or `undefined` to drop it). */
  | { kind: "counter"; rotation: number | undefined }
  /** The user sets, changes or drops `rotateEveryDays`. */
  | { kind: "schedule"; everyDays: number | undefined }
  /** A key of the pair leaks; the user follows the README's runbook from the next deployment on. */
  | { kind: "leak"; which: "current" | "previous" }
  /**
   * `pulumi up` (or its preview alone). `fails` makes it fail where named: between the schedule's
   * step and the key's, or between the first key's step and the second's; `killed` ends it there instead.
   */
  | { kind: "deploy"; preview: boolean; fails?: "after-schedule-step" | "after-first-key" | undefined; killed?: boolean };

/** The pair as the component's outputs give it: key ids in Flashback. */
export interface PairView {
  current: string | undefined;
  previous: string | undefined;
}

/** What one deployment did, as observed from outside: the pair on either side and Flashback's creates and deletes. */
export interface RotationObservation {
  before: PairView;
  after: PairView;
  created: string[];
  deleted: string[];
  /** The deployment ran to its end (no failure, no kill). */
  completed: boolean;
  /** The user asked in this deployment for a key to be revoked now (the runbook's step). */
  revocationAsked: boolean;
}

/** One stack's component, driven by the real rotation code on virtual time. */
export interface RotationWorld {
  /** Applies a move; a `deploy` returns what it did (a preview too, if the world can tell: it must do nothing). */
  apply(move: RotationMove): Promise<RotationObservation | undefined>;
  /** The component's keys that still work in Flashback now. */
  validKeys(): Promise<string[]>;
}

export interface RotationWorldFactory {
  name: string;
  /** How many deployments after a leak is reported the README promises the leaked key is revoked by. */
  revokedWithinDeployments: number;
  start(): Promise<RotationWorld>;
}

const deployArb: fc.Arbitrary<RotationMove> = fc.record(
  {
    kind: fc.constant("deploy" as const),
    preview: fc.constantFrom(false, false, false, true),
    fails: fc.constantFrom(undefined, "after-schedule-step" as const, "after-first-key" as const),
    killed: fc.boolean(),
  },
  { requiredKeys: ["kind", "preview"] },
);

export const rotationMoveArb: fc.Arbitrary<RotationMove> = fc.oneof(
  { weight: 4, arbitrary: deployArb },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("wait" as const), days: fc.integer({ min: 0, max: 200 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("counter" as const), rotation: fc.option(fc.nat({ max: 12 }), { nil: undefined }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("schedule" as const),
      everyDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("leak" as const), which: fc.constantFrom("current" as const, "previous" as const) }),
  },
);

/** A stack's life: a first deployment, then moves; ends with deployments enough for any promised revocation. */
export const rotationStoryArb: fc.Arbitrary<RotationMove[]> = fc.array(rotationMoveArb, { minLength: 1, maxLength: 16 });
