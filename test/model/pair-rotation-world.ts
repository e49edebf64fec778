import { checkSchedule } from "../../provider/schedule/rotation-schedule";
import { PairWorld, type DeploymentPlan } from "./pair-deployments";
import type { PairView, RotationMove, RotationObservation, RotationWorld, RotationWorldFactory } from "./rotation-world";
import { DAY_MS } from "../../provider/utils/time-units";

/*
 * A RotatingRepoApiKey with its RotationSchedule on virtual time: the real schedule rule
 * (provider/schedule/rotation-schedule.ts) at the start of each deployment, stored as soon as it
 * steps, then the pair's keys by the real pair rule in the engine's order (pair-deployments.ts).
 * A leak is answered by README's runbook: a new `revokeWhenChanged`, kept set.
 */

const START_MS = Date.parse("2031-01-01T00:00:00Z");

class PairRotationWorld implements RotationWorld {
  readonly #pair = new PairWorld();
  #nowMs = START_MS;
  #counter: number | undefined = 0;
  #everyDays: number | undefined = 30;
  #schedule: Record<string, unknown> | undefined;
  #revoke: DeploymentPlan["revoke"];
  #leaks = 0;
  #revocationDelivered = true;

  async apply(move: RotationMove): Promise<RotationObservation | undefined> {
    if (move.kind === "wait") this.#nowMs += move.days * DAY_MS;
    if (move.kind === "counter") this.#counter = move.rotation;
    if (move.kind === "schedule") this.#everyDays = move.everyDays;
    if (move.kind === "leak") {
      // A second leak before the runbook ran: both keys leaked, and the runbook's `revokeKeys: both` names them.
      const pending = this.#revocationDelivered ? undefined : this.#revoke?.keys;
      const keys = pending === undefined || pending === move.which ? move.which : "both";
      this.#revoke = { keys, request: `leak ${(this.#leaks += 1)}` };
      this.#revocationDelivered = false;
    }
    if (move.kind !== "deploy") return undefined;
    const before = this.#view();
    if (move.preview) return { before, after: before, created: [], deleted: [], completed: true, revocationAsked: false };
    const desired = this.#desired();
    if (desired === undefined) return { before, after: before, created: [], deleted: [], completed: false, revocationAsked: false };
    const known = new Set(this.#pair.flashback.keys());
    const stops = move.fails ?? (move.killed === true ? "after-first-key" : undefined);
    const plan: DeploymentPlan = {
      desired,
      ...(this.#revoke === undefined ? {} : { revoke: this.#revoke }),
      ...(stops === "after-schedule-step" ? { stopBeforeKeys: true } : {}),
      ...(stops === "after-first-key" ? { killAfterA: true } : {}),
    };
    const revocationAsked = !this.#revocationDelivered;
    const record = this.#pair.deploy(plan);
    if (record.finished) this.#revocationDelivered = true;
    if (record.finished && this.#everyDays === undefined) this.#schedule = undefined;
    return {
      before,
      after: this.#view(),
      created: [...this.#pair.flashback.keys()].filter((id) => !known.has(id)),
      deleted: record.deleted,
      completed: record.finished,
      revocationAsked,
    };
  }

  async validKeys(): Promise<string[]> {
    return [...this.#pair.flashback.keys()];
  }

  /** The number the keys are asked for: the schedule's, which steps (and is stored) before any key; else the counter. */
  #desired(): number | undefined {
    if (this.#everyDays === undefined) return this.#counter;
    const news = { everyDays: this.#everyDays, ...(this.#counter === undefined ? {} : { rotation: this.#counter }) };
    const checked = checkSchedule(this.#schedule ?? {}, news, this.#nowMs);
    if (checked.failures.length > 0) return undefined;
    this.#schedule = checked.inputs;
    return checked.inputs.rotation as number;
  }

  #view(): PairView {
    return { current: this.#pair.published, previous: this.#pair.publishedPrevious };
  }
}

/** The component under every move the model generates, on the real schedule and pair rules. */
export const PAIR_ROTATION_WORLD: RotationWorldFactory = {
  name: "RotatingRepoApiKey with rotateEveryDays (real schedule and pair rules)",
  // README's leak runbook: one `pulumi up` that runs to its end.
  revokedWithinDeployments: 1,
  start: async () => new PairRotationWorld(),
};
