import type { InputFailure } from "../errors/input-error";
import { messageOf } from "../errors/message-of";
import {
  decidePairKey,
  generationOfTrigger,
  needsSiblingListing,
  REVOKED_KEYS,
  triggerOf,
  type PairFacts,
  type PairMemory,
  type PairRequest,
  type SiblingKey,
} from "../rotation/key-pair-rule";
import { UNKNOWN_VALUE } from "../engine/unknown-value";

/** What a key of a RotatingRepoApiKey stores under `pair`: what its component asked, and what it remembers. */
export interface StoredPair extends PairRequest {
  memory: PairMemory;
}

/** A key as Flashback lists it, as much as the pair's Check reads. */
export interface NamedKey {
  id: string;
  name: string;
  createdAt?: string;
}

/**
 * Keys made this far apart were made by different deployments: a rotation's key is made a
 * deployment after its sibling, while a new pair's two keys are made by the same one.
 */
const SEPARATE_DEPLOYMENTS_MS = 10_000;

/** A Check's answer: the inputs to store, and every refused field. */
type Checked = { inputs: Record<string, unknown>; failures: InputFailure[] };

/** What the pair's Check asks of the lifecycle. */
export interface PairCheckServices {
  /** The keys a repository holds under any of `names` (the pair's current and former names). */
  listSibling: (repoId: string, names: string[]) => Promise<NamedKey[]>;
  /** Whether the diff replaces the key whatever its generation (a new repository, a new recipient). */
  replacedAnyway: (stored: Record<string, unknown>, given: Record<string, unknown>) => Promise<boolean>;
}

/**
 * The pair's Checks of one provider process. When a key is to be replaced, the engine checks its
 * inputs once more with no stored state (`prov.Check` after the diff in Pulumi's
 * pkg/resource/deploy/step_generator.go) and makes the new key from that answer: the second Check
 * answers what the first decided for the same inputs, which name this deployment.
 */
export class PairChecks {
  readonly #decided = new Map<string, Checked>();

  async check(
    olds: Record<string, unknown>,
    checked: Checked,
    news: Record<string, unknown>,
    services: PairCheckServices,
  ): Promise<Checked> {
    if (news.pair === undefined || news.pair === null) return checked;
    const asked = JSON.stringify(news);
    const stored = Object.keys(olds).length > 0;
    const earlier = this.#decided.get(asked);
    if (!stored && earlier !== undefined) return earlier;
    const result = await checkPairedKey(olds, checked, news, services);
    if (stored) this.#decided.set(asked, result);
    return result;
  }
}

/**
 * The Check of a key that belongs to a RotatingRepoApiKey (its inputs carry `pair`): the pair's
 * rule (rotation/key-pair-rule.ts) sets its generation, stored as `rotateWhenChanged`, from what
 * the key stored at its last Check. Any other key's inputs pass unchanged.
 */
async function checkPairedKey(
  olds: Record<string, unknown>,
  checked: Checked,
  news: Record<string, unknown>,
  services: PairCheckServices,
): Promise<Checked> {
  const request = readPairRequest(news.pair);
  // Under no property: the engine prints a failing property's value, and `pair` holds the key's names, which may be secret.
  if ("refusal" in request) return { ...checked, failures: [...checked.failures, { property: "", reason: request.refusal }] };
  const stored = readStoredPair(olds.pair);
  const generation = generationOfTrigger(olds.rotateWhenChanged);
  const inputs = checked.inputs;
  if (request.unknown || inputs.repoId === UNKNOWN_VALUE) {
    // A preview whose number or repository is not known yet: the key keeps its generation until they are.
    return {
      ...checked,
      inputs: { ...inputs, rotateWhenChanged: generation === undefined ? UNKNOWN_VALUE : olds.rotateWhenChanged, pair: news.pair },
    };
  }
  const facts: Omit<PairFacts, "listedSiblingIds"> = {
    request: request.known,
    generation,
    memory: generation === undefined ? undefined : stored?.memory,
    replacedAnyway:
      generation !== undefined && (await services.replacedAnyway(olds, { ...inputs, rotateWhenChanged: olds.rotateWhenChanged })),
  };
  let listed: string[] | undefined;
  let madeLast: PairFacts["madeLast"];
  if (needsSiblingListing(facts)) {
    const siblingNames = [...new Set([request.known.siblingName, ...(stored === undefined ? [] : [stored.siblingName])])];
    const ownNames = [inputs.name, olds.name].filter((name): name is string => typeof name === "string");
    try {
      const keys = await services.listSibling(inputs.repoId as string, [...siblingNames, ...ownNames]);
      listed = keys.filter((key) => siblingNames.includes(key.name)).map((key) => key.id);
      madeLast = whichMadeLast(
        keys.filter((key) => ownNames.includes(key.name)),
        keys.filter((key) => siblingNames.includes(key.name)),
      );
    } catch (error) {
      // A new pair has no sibling to find; a key that must decide a rotation or a revocation may not guess.
      if (generation !== undefined) {
        const reason = `pair: the key could not read its sibling "${request.known.siblingName}" from Flashback, which a rotation or revocation needs to know which key is newer: ${messageOf(error)}`;
        return { ...checked, failures: [...checked.failures, { property: "", reason }] };
      }
      listed = [];
    }
  }
  const decision = decidePairKey({
    ...facts,
    ...(listed === undefined ? {} : { listedSiblingIds: listed }),
    ...(madeLast === undefined ? {} : { madeLast }),
  });
  const pair: StoredPair = { ...request.known, memory: decision.memory };
  return { ...checked, inputs: { ...inputs, rotateWhenChanged: triggerOf(decision), pair } };
}

/** Slot a's own keys against b's, by when Flashback made them: the later one, unless they were made together or a time is missing. */
function whichMadeLast(own: NamedKey[], sibling: NamedKey[]): "a" | "b" | "together" {
  const latest = (keys: NamedKey[]) => Math.max(...keys.map((key) => Date.parse(key.createdAt ?? "")).filter(Number.isFinite));
  const [ofA, ofB] = [latest(own), latest(sibling)];
  if (!Number.isFinite(ofA) || !Number.isFinite(ofB) || Math.abs(ofA - ofB) < SEPARATE_DEPLOYMENTS_MS) return "together";
  return ofA > ofB ? "a" : "b";
}

type ReadRequest = { known: PairRequest; unknown: false } | { known: PairRequest; unknown: true } | { refusal: string };

/** The request a component sends; the component builds it, so a refusal here is a bug, named plainly. */
export function readPairRequest(value: unknown): ReadRequest {
  if (value === UNKNOWN_VALUE) return { known: placeholderRequest(), unknown: true };
  if (typeof value !== "object" || value === null) return { refusal: "pair must be an object (it is set by RotatingRepoApiKey)" };
  const fields = value as Record<string, unknown>;
  const slot = fields.slot;
  if (slot !== "a" && slot !== "b") return { refusal: 'pair.slot must be "a" or "b"' };
  if (typeof fields.siblingName !== "string" || typeof fields.deployment !== "string") {
    return { refusal: "pair.siblingName and pair.deployment must be strings" };
  }
  const revokeKeys = fields.revokeKeys;
  if (revokeKeys !== undefined && revokeKeys !== UNKNOWN_VALUE && !REVOKED_KEYS.includes(revokeKeys as never)) {
    return { refusal: `revokeKeys must be one of ${REVOKED_KEYS.join(", ")}; got ${JSON.stringify(revokeKeys)}` };
  }
  const unknown = [fields.desired, fields.sibling, fields.revokeKeys, fields.revokeWhenChanged].includes(UNKNOWN_VALUE);
  const desired = typeof fields.desired === "number" ? fields.desired : 0;
  const request: PairRequest = { slot, desired, deployment: fields.deployment, siblingName: fields.siblingName };
  const sibling = readSibling(fields.sibling);
  if (sibling !== undefined) request.sibling = sibling;
  if (typeof revokeKeys === "string" && revokeKeys !== UNKNOWN_VALUE) request.revokeKeys = revokeKeys as PairRequest["revokeKeys"] & string;
  // An empty text is no revocation: a config value declared with `default: ""` asks for none.
  if (typeof fields.revokeWhenChanged === "string" && fields.revokeWhenChanged !== UNKNOWN_VALUE && fields.revokeWhenChanged !== "")
    request.revokeWhenChanged = fields.revokeWhenChanged;
  // A sibling not known yet is a preview of a new slot a: the rule waits, as it will once a is made.
  return { known: request, unknown: unknown && fields.sibling !== UNKNOWN_VALUE };
}

/** What a pair key's Check and create give a key made new (no stored state, no sibling in Flashback): for mocks and fake engines. */
export function newPairKeyOutputs(pair: unknown): { rotateWhenChanged: string; pairMade: PairMemory["made"] } {
  const request = readPairRequest(pair);
  if ("refusal" in request) throw new Error(request.refusal);
  const decision = decidePairKey({
    request: request.known,
    generation: undefined,
    memory: undefined,
    replacedAnyway: false,
    listedSiblingIds: [],
  });
  return { rotateWhenChanged: triggerOf(decision), pairMade: decision.memory.made };
}

function readSibling(value: unknown): SiblingKey | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { id, generation, made } = value as Record<string, unknown>;
  const parsed = generationOfTrigger(generation);
  if (typeof id !== "string" || id === UNKNOWN_VALUE || parsed === undefined) return undefined;
  const sibling: SiblingKey = { id, generation: parsed };
  if (typeof made === "object" && made !== null && typeof (made as Record<string, unknown>).deployment === "string") {
    sibling.made = made as SiblingKey["made"] & object;
  }
  return sibling;
}

function readStoredPair(value: unknown): StoredPair | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const pair = value as Partial<StoredPair>;
  return typeof pair.memory === "object" && pair.memory !== null && typeof pair.siblingName === "string" ? (pair as StoredPair) : undefined;
}

function placeholderRequest(): PairRequest {
  return { slot: "a", desired: 0, deployment: "", siblingName: "" };
}
