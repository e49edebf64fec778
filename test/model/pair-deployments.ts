import {
  decidePairKey,
  needsSiblingListing,
  type PairDecision,
  type PairFacts,
  type PairMemory,
  type PairRequest,
  type RevokedKeys,
  type Slot,
} from "../../provider/rotation/key-pair-rule";

/*
 * A RotatingRepoApiKey's two keys across deployments, as Pulumi's engine runs them: slot a is
 * checked and stepped before slot b (b is handed a's outputs), a failed step stores nothing for
 * that key and stops the deployment, a replaced key's old version is deleted at the end of the
 * deployment or, if the deployment stopped, at the start of the next, and the component publishes
 * the newer key as current only at the end of a deployment that finished. Each key decides by the
 * real rule (provider/rotation/key-pair-rule.ts); the world records what a consumer would see.
 */

export interface StoredKey {
  id: string;
  generation: number;
  memory: PairMemory;
}

/** What one deployment is asked, and where it breaks. */
export interface DeploymentPlan {
  desired: number;
  revoke?: { keys: RevokedKeys; request: string };
  /** The step of this slot fails (a 5xx past retries, a timeout): nothing is stored for it, and the deployment stops. */
  failStep?: Slot;
  /** The CLI is killed once slot a is done: b is never checked, nothing is published. */
  killAfterA?: boolean;
}

export interface Finding {
  deployment: number;
  rule: "current deleted" | "two keys rotated" | "revoked key left" | "order disagrees" | "no rotation";
  detail: string;
}

export interface DeploymentRecord {
  replaced: Slot[];
  deleted: string[];
  finished: boolean;
  publishedBefore: string | undefined;
  publishedAfter: string | undefined;
}

const NAME = { a: "pair-a", b: "pair-b" } as const;

/** How a key decides: the real rule by default; a committed test hands a broken one to see the world find it. */
export type DecideKey = (facts: PairFacts) => PairDecision;

export class PairWorld {
  readonly keys: Partial<Record<Slot, StoredKey>> = {};
  /** Every key Flashback holds: id to name. */
  readonly flashback = new Map<string, string>();
  /** The current key's id as consumers last read it: the component's outputs of the last finished deployment. */
  published: string | undefined;
  readonly findings: Finding[] = [];
  readonly records: DeploymentRecord[] = [];
  rotations = 0;
  #pendingDeletes: string[] = [];
  #nextId = 0;
  /** The id of the key that was published when a revocation of it was asked, until it is gone. */
  #revokedIds = new Set<string>();
  readonly #decideKey: DecideKey;

  constructor(decideKey: DecideKey = decidePairKey) {
    this.#decideKey = decideKey;
  }

  deploy(plan: DeploymentPlan): DeploymentRecord {
    const number = this.records.length + 1;
    const deployment = `deployment-${number}`;
    const record: DeploymentRecord = {
      replaced: [],
      deleted: [],
      finished: false,
      publishedBefore: this.published,
      publishedAfter: undefined,
    };
    this.records.push(record);
    const revokeAsked = plan.revoke !== undefined && plan.revoke.request !== this.keys.a?.memory.seenRevoke;
    if (revokeAsked && plan.revoke !== undefined) {
      // Roles as the keys hold them when the deployment begins (the outputs a finished deployment published).
      const newer = this.#newerId();
      const older = this.#olderId();
      if (plan.revoke.keys !== "previous" && newer !== undefined) this.#revokedIds.add(newer);
      if (plan.revoke.keys !== "current" && older !== undefined) this.#revokedIds.add(older);
    }
    this.#deleteAll(this.#pendingDeletes.splice(0), record);
    const allowedToGo = new Set<string>();
    for (const slot of ["a", "b"] as const) {
      if (slot === "b" && plan.killAfterA === true) return this.#stop(record);
      const stored = this.keys[slot];
      const decision = this.#decide(slot, plan, deployment);
      const replaced = stored === undefined || decision.generation !== stored.generation || decision.action === "revoke";
      if (replaced && plan.failStep === slot) return this.#stop(record);
      if (stored !== undefined && replaced) {
        this.#pendingDeletes.push(stored.id);
        if (decision.action === "revoke") allowedToGo.add(stored.id);
      }
      if (decision.action === "rotate") this.rotations += 1;
      if (stored !== undefined && replaced) record.replaced.push(slot);
      this.keys[slot] = {
        id: replaced ? this.#create(slot) : (stored as StoredKey).id,
        generation: decision.generation,
        memory: decision.memory,
      };
    }
    this.#deleteAll(this.#pendingDeletes.splice(0), record, allowedToGo);
    record.finished = true;
    this.published = this.#newerId();
    record.publishedAfter = this.published;
    this.#judge(record, number, plan);
    return record;
  }

  #decide(slot: Slot, plan: DeploymentPlan, deployment: string): PairDecision {
    const stored = this.keys[slot];
    const a = this.keys.a;
    const request: PairRequest = {
      slot,
      desired: plan.desired,
      deployment,
      siblingName: NAME[slot === "a" ? "b" : "a"],
      ...(slot === "b" && a !== undefined
        ? { sibling: { id: a.id, generation: a.generation, ...(a.memory.made === undefined ? {} : { made: a.memory.made }) } }
        : {}),
      ...(plan.revoke === undefined ? {} : { revokeKeys: plan.revoke.keys, revokeWhenChanged: plan.revoke.request }),
    };
    const facts = { request, generation: stored?.generation, memory: stored?.memory, replacedAnyway: false };
    const listed = needsSiblingListing(facts) ? this.#idsNamed(NAME.b) : undefined;
    return this.#decideKey({ ...facts, ...(listed === undefined ? {} : { listedSiblingIds: listed }) });
  }

  /** A stopped deployment publishes nothing, and its replaced keys wait for the next one, which judges their deletion. */
  #stop(record: DeploymentRecord): DeploymentRecord {
    record.publishedAfter = this.published;
    return record;
  }

  #create(slot: Slot): string {
    const id = `key-${(this.#nextId += 1)}`;
    this.flashback.set(id, NAME[slot]);
    return id;
  }

  #deleteAll(ids: string[], record: DeploymentRecord, allowed: Set<string> = new Set()): void {
    for (const id of ids) {
      if (!this.flashback.delete(id)) continue;
      record.deleted.push(id);
      if (id === record.publishedBefore && !allowed.has(id) && !this.#revokedIds.has(id)) {
        this.findings.push({
          deployment: this.records.length,
          rule: "current deleted",
          detail: `${id} was current when the deployment began`,
        });
      }
      this.#revokedIds.delete(id);
    }
  }

  #idsNamed(name: string): string[] {
    return [...this.flashback].filter(([, keyName]) => keyName === name).map(([id]) => id);
  }

  #newerId(): string | undefined {
    const { a, b } = this.keys;
    if (a === undefined || b === undefined) return a?.id ?? b?.id;
    return a.generation > b.generation ? a.id : b.id;
  }

  #olderId(): string | undefined {
    const { a, b } = this.keys;
    if (a === undefined || b === undefined) return undefined;
    return a.generation > b.generation ? b.id : a.id;
  }

  #judge(record: DeploymentRecord, number: number, plan: DeploymentPlan): void {
    const rotated = record.replaced.length;
    const bothAsked = plan.revoke?.keys === "both" && plan.revoke.request !== undefined;
    if (rotated > 1 && !bothAsked) {
      this.findings.push({ deployment: number, rule: "two keys rotated", detail: `replaced ${record.replaced.join(" and ")}` });
    }
    for (const id of this.#revokedIds) {
      if (this.flashback.has(id))
        this.findings.push({ deployment: number, rule: "revoked key left", detail: `${id} still valid after the revoking deployment` });
    }
    this.#revokedIds.clear();
    const { a, b } = this.keys;
    if (a !== undefined && b !== undefined) {
      const aThinksBNewer =
        a.memory.olderSiblingIds === undefined || (a.memory.olderSiblingIds !== "next" && !a.memory.olderSiblingIds.includes(b.id));
      if (aThinksBNewer !== b.generation > a.generation || a.generation === b.generation) {
        this.findings.push({
          deployment: number,
          rule: "order disagrees",
          detail: `a=${a.generation} b=${b.generation}, a thinks b is ${aThinksBNewer ? "newer" : "older"}`,
        });
      }
    }
  }
}
