import { Deadline, type Clock } from "../client/clock";
import type { FlashbackClient } from "../client/flashback-client";
import { RotationError } from "../errors/rotation-error";
import { messageOf } from "../errors/message-of";
import { isFlashbackApiError } from "../errors/type-guards";
import { readCreatedKey } from "../lifecycle/to-outputs";
import type { ListedApiKey } from "../types/api";
import { ownKeyName, ownKeys, type OwnKey } from "./key-names";
import type { RotationAnswer, RotationRequest } from "./rotation-request";

export interface RotationContext {
  client: FlashbackClient;
  clock: Clock;
  /** `org/env` from the verified token: the only environment whose keys this rotation may touch. */
  environment: string;
  /** How long a rotation may take; its keys' names say when it is over. */
  timeoutMs: number;
}

/**
 * Rotates `state` to the next generation: creates that generation's key, keeps `state`'s key as
 * `previous`, and deletes every other key of this environment in the repository once the rotation
 * that made it is over. The generation comes from `state`, so ESC's retry of a lost answer (the
 * same body) makes the same generation again, and the lost answer's key is one of those deleted.
 * A key made by a rotation still running (another request for this environment) makes this one
 * stop: before its create, or after it, deleting what it made.
 */
export async function rotateKey(context: RotationContext, request: RotationRequest, state: RotationAnswer | null): Promise<RotationAnswer> {
  const { client, clock, environment } = context;
  const margin = clockMarginMs(context.timeoutMs);
  const untilMs = clock.now() + context.timeoutMs;
  const deadline = new Deadline(clock, context.timeoutMs - margin);
  const generation = (state?.generation ?? 0) + 1;
  const own = await listOwn(context, request, deadline);
  // The state's key is consumers' current one: never deleted here, whatever its name says of its rotation.
  const kept = own.find((key) => key.listed.id === state?.id && key.generation === generation - 1);
  // Keys the state names were answered and stored: over, whatever their names say.
  const stored = new Set([state?.id, state?.previous?.id]);
  refuseIfRunning(own, stored, clock.now() - margin, "before making a key");
  for (const leftover of own.filter((key) => key !== kept)) {
    await client.deleteApiKey(request.repoId, leftover.listed.id, { deadline });
  }
  const name = ownKeyName(request.name, environment, request.repoId, generation, untilMs);
  const made = await createOwnKey(context, request, name, deadline);
  try {
    const after = await listOwn(context, request, deadline);
    const others = after.filter((key) => key.listed.id !== made.id);
    refuseIfRunning(others, stored, clock.now() - margin, "while it made its key, so it deleted that key");
    if (clock.now() > untilMs - margin)
      throw new RotationError(503, `The rotation ran past ${context.timeoutMs / 1000} s, so it deleted the key it made`);
    const keptNow = kept === undefined ? undefined : after.find((key) => key.listed.id === kept.listed.id);
    const listedMade = after.find((key) => key.listed.id === made.id)?.listed;
    return {
      ...made,
      name,
      createdAt: listedMade?.createdAt ?? new Date(clock.now()).toISOString(),
      generation,
      previous: keptNow === undefined ? null : { id: keptNow.listed.id, key: keptNow.listed.key ?? "", name: keptNow.listed.name },
    };
  } catch (error) {
    // Left in place if this delete fails too: its name marks it a leftover once the rotation is over.
    await client.deleteApiKey(request.repoId, made.id, { cleanup: true }).catch(() => undefined);
    throw error;
  }
}

/** Between different instances' clocks: a key's rotation counts as over only this long after its `until`. */
function clockMarginMs(timeoutMs: number): number {
  return Math.min(5_000, timeoutMs / 4);
}

async function listOwn(context: RotationContext, request: RotationRequest, deadline: Deadline): Promise<OwnKey[]> {
  const { repoId } = request;
  const listing = await context.client.listApiKeys(repoId, { deadline });
  if (listing === undefined) {
    throw new RotationError(502, `Flashback answers 404 for repository "${repoId}": it does not exist or the credential cannot see it`);
  }
  return ownKeys(listing.keys, request.name, context.environment, repoId);
}

function refuseIfRunning(own: OwnKey[], stored: ReadonlySet<string | undefined>, nowWithMargin: number, when: string): void {
  const running = own.find((key) => !stored.has(key.listed.id) && key.untilMs > nowWithMargin);
  if (running === undefined) return;
  throw new RotationError(
    409,
    `Another rotation of this environment is running (its key ${running.listed.id} is not one the state names and its rotation is not over until ${new Date(running.untilMs).toISOString()}); this one stopped ${when}. Rotate again after that time`,
  );
}

/**
 * POST under a name no other attempt uses; when its answer is lost, the key it may have made is
 * found by that name and deleted (or, failing that, left to the next rotation: its name says so).
 */
async function createOwnKey(
  context: RotationContext,
  request: RotationRequest,
  name: string,
  deadline: Deadline,
): Promise<{ id: string; key: string; secret: string }> {
  const { client } = context;
  try {
    const { created } = await client.createApiKey(request.repoId, { name, accessType: request.accessType }, { deadline });
    const read = readCreatedKey(created);
    if ("created" in read) return read.created;
    throw new RotationError(502, `Flashback's answer to creating the key lacked ${read.missing.join(", ")}`);
  } catch (error) {
    if (error instanceof RotationError || (isFlashbackApiError(error) && error.mayHaveActed)) {
      const removed = await removeByName(client, request.repoId, name);
      throw new RotationError(502, `${messageOf(error)}. ${removed}`);
    }
    throw error;
  }
}

async function removeByName(client: FlashbackClient, repoId: string, name: string): Promise<string> {
  try {
    const listed: ListedApiKey[] = (await client.listApiKeys(repoId, { cleanup: true }))?.keys ?? [];
    for (const key of listed.filter((candidate) => candidate.name === name)) await client.deleteApiKey(repoId, key.id, { cleanup: true });
    return "The key it may have made was looked for by its name and deleted: nothing is left behind";
  } catch (error) {
    return `Looking for the key it may have made failed (${messageOf(error)}); if there is one, the next rotation deletes it`;
  }
}
