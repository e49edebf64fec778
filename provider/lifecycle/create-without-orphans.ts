import { API_PATHS } from "../client/api-paths";
import { Deadline, type Clock } from "../client/clock";
import type { FlashbackClient } from "../client/flashback-client";
import { jitteredBackoff } from "../client/retry-policy";
import { FlashbackApiError } from "../errors/flashback-api-error";
import { KeyNotHandedOverError } from "../errors/key-not-handed-over-error";
import { messageOf } from "../errors/message-of";
import { PartialKeyError } from "../errors/partial-key-error";
import { isFlashbackApiError } from "../errors/type-guards";
import type { RepoApiKeyInputs, RepoApiKeyOutputs } from "../definitions/repo-api-key";
import { ClaimWindow } from "./claim-window";
import type { EngineProbe } from "../engine/engine-liveness";
import type { Recipient } from "../encryption/open-recipient";
import { newReservationName } from "./reservation";
import { readCreatedKey, type CreatedKey } from "./to-outputs";
import { isNonEmptyString } from "../utils/is-non-empty-string";

/** Creates tried per resource when answers are lost; each lost answer is reconciled before the next try. */
export const CREATE_ATTEMPTS = 3;

export interface CreateContext {
  client: FlashbackClient;
  /** The stack's reservation scope (reservation.ts): a label in the reservation's name. */
  scope: string;
  engineListening: EngineProbe;
  clock: Clock;
  random: () => number;
  /** Aborted when the deployment is cancelled: no new attempt starts. */
  signal?: AbortSignal | undefined;
  /** The whole create's deadline (`operationTimeout`); every reservation's name carries it. */
  operationTimeoutMs: number;
  /** `encryptTo`, opened: the secret is sealed to it the moment Flashback's answer is read. */
  recipient?: Recipient;
}

/**
 * POST is not idempotent, takes no idempotency key, and its answer holds the only copy of the
 * secret. So a key is made in two steps:
 *
 * 1. Reserve: POST it under a reservation name that no other attempt uses. If the answer is lost
 *    (a reset, a timeout, a 5xx), the key it may have made is found by that name, deleted, and the
 *    create tried again; a same-named key of somebody else's can never be taken for it.
 * 2. Claim: once the answer is in hand and the engine still listens, rename the key (PUT) to its
 *    declared name and hand it over.
 *
 * A process killed in between leaves a key under a reservation name, and a later write in that
 * repository deletes it once its create is provably over (reservation-sweep.ts). The whole create,
 * every attempt included, runs within one deadline, and the reservation's name says how long that
 * is: that bound is what lets any deployment tell an abandoned reservation from one in flight.
 * The result: no orphan, no duplicate, and no key deleted after it was handed over.
 */
export async function createKeyWithoutOrphans(context: CreateContext, inputs: RepoApiKeyInputs): Promise<CreatedKey> {
  const deadline = new Deadline(context.clock, context.operationTimeoutMs);
  const window = new ClaimWindow(context.clock, deadline, context.operationTimeoutMs);
  const removed: string[] = [];
  for (let attempt = 1; ; attempt += 1) {
    const reservation = newReservationName(context.scope, context.operationTimeoutMs);
    try {
      const reserved = await reserve(context, inputs, reservation, deadline, window);
      return await claim(context, inputs, reserved, deadline, window);
    } catch (error) {
      if (!isFlashbackApiError(error) || !error.mayHaveActed) throw error;
      removed.push(...(await removeReservation(context, inputs, reservation, error, deadline)));
      const backoff = jitteredBackoff(attempt, context.random());
      if (attempt >= CREATE_ATTEMPTS || backoff >= deadline.remainingMs()) throw gaveUp(error, removed, attempt);
      await context.clock.sleep(backoff, context.signal);
    }
  }
}

async function reserve(
  context: CreateContext,
  inputs: RepoApiKeyInputs,
  reservation: string,
  deadline: Deadline,
  window: ClaimWindow,
): Promise<CreatedKey> {
  const { created: response, answeredAt } = await context.client.createApiKey(
    inputs.repoId,
    { name: reservation, accessType: inputs.accessType },
    { displayName: inputs.name, deadline },
  );
  window.createAnswered(answeredAt);
  const read = readCreatedKey(response);
  if ("created" in read) return context.recipient ? seal(context, inputs, read.created, deadline) : read.created;
  if (!isNonEmptyString(response.id)) {
    throw incompleteAnswer(inputs, read.missing, "Flashback gave no key id, so the provider looked for the key it may have made");
  }
  return deleteIncompleteKey(context, inputs, response.id, typeof response.key === "string" ? response.key : "", read.missing, deadline);
}

/**
 * The secret encrypted to the recipient before anything else happens to the key: from here on the
 * create holds only the ciphertext, so no later failure can hand the plaintext to the engine. A key
 * whose secret cannot be sealed is deleted (it is still under its reservation name, which a sweep
 * deletes if the delete fails): it must not be handed over with a plain secret.
 */
async function seal(context: CreateContext, inputs: RepoApiKeyInputs, created: CreatedKey, deadline: Deadline): Promise<CreatedKey> {
  const recipient = context.recipient as Recipient;
  let encryptedSecret: string;
  try {
    encryptedSecret = await recipient.encrypt(created.secret);
  } catch (error) {
    let removal: "deleted" | "absent" | undefined;
    try {
      removal = await context.client.deleteApiKey(inputs.repoId, created.id, { deadline, cleanup: true });
    } catch {
      removal = undefined;
    }
    const left =
      removal === undefined
        ? "could not be deleted; it is under its reservation name, which a later deployment's sweep deletes"
        : removedUnderReservation(removal);
    throw new KeyNotHandedOverError(
      `Encrypting the secret of API key "${inputs.name}" to encryptTo (${recipient.format}) failed (${messageOf(error)}), so the key Flashback made (${created.id}) ${left}`,
    );
  }
  return { id: created.id, key: created.key, secret: "", encryptedSecret };
}

/**
 * Hands the key over only when the engine still listens and the rename was answered within the
 * reservation's lifetime by every clock (claim-window.ts): a rename answered later may meet another
 * deployment's sweep, which by then may take the reservation for abandoned, so such a key is
 * deleted instead.
 */
async function claim(
  context: CreateContext,
  inputs: RepoApiKeyInputs,
  reserved: CreatedKey,
  deadline: Deadline,
  window: ClaimWindow,
): Promise<CreatedKey> {
  if (!(await context.engineListening())) {
    const removal = await context.client.deleteApiKey(inputs.repoId, reserved.id, { deadline, cleanup: true });
    throw new KeyNotHandedOverError(
      `The Pulumi engine stopped before API key "${inputs.name}" could be handed to it, so the key Flashback made (${reserved.id}) ${removedUnderReservation(removal)}`,
    );
  }
  try {
    if (!window.open) throw lateClaim(inputs, "before its rename could be sent");
    const { answeredAt } = await context.client.updateApiKey(
      inputs.repoId,
      reserved.id,
      { name: inputs.name, accessType: inputs.accessType },
      { deadline },
    );
    if (!window.landedInTime(answeredAt)) throw lateClaim(inputs, "before Flashback answered its rename");
  } catch (error) {
    await deleteUnclaimedKey(context, inputs, reserved, error, deadline);
    throw error;
  }
  return reserved;
}

function lateClaim(inputs: RepoApiKeyInputs, when: string): KeyNotHandedOverError {
  return new KeyNotHandedOverError(
    `Creating API key "${inputs.name}" ran out of its time (flashback:operationTimeout, by this machine's clocks or Flashback's) ${when}, so the key Flashback made was not handed over; raise flashback:operationTimeout if Flashback is this slow, or run \`pulumi up\` again if this machine slept`,
  );
}

/** A key that could not be renamed is of no use; if it cannot be deleted either, the state records it for the next `up` to replace. */
async function deleteUnclaimedKey(
  context: CreateContext,
  inputs: RepoApiKeyInputs,
  reserved: CreatedKey,
  cause: unknown,
  deadline: Deadline,
): Promise<void> {
  try {
    // The key may already carry its declared name, which no sweep deletes: only a listing without it proves it gone.
    const outcome = await context.client.deleteApiKeyConfirmed(inputs.repoId, reserved.id, { deadline, cleanup: true });
    if (outcome === "repository-unseen" || outcome === "still-listed") {
      throw new Error(
        `Flashback answered 404 to deleting it but ${outcome === "repository-unseen" ? "answers 404 for the repository too" : "still lists it"}`,
      );
    }
  } catch (error) {
    throw new PartialKeyError(
      `Flashback created API key "${reserved.id}" in repository "${inputs.repoId}" but naming it "${inputs.name}" failed (${messageOf(cause)}), and deleting it failed too (${messageOf(error)}). It is recorded in the state, and the next \`pulumi up\` replaces it`,
      reserved.id,
      partialOutputs(inputs, reserved.key),
    );
  }
}

async function deleteIncompleteKey(
  context: CreateContext,
  inputs: RepoApiKeyInputs,
  keyId: string,
  key: string,
  missing: string[],
  deadline: Deadline,
): Promise<never> {
  const what = `Flashback created API key "${keyId}" in repository "${inputs.repoId}" but its answer lacked ${missing.join(", ")}`;
  let removal: "deleted" | "absent";
  try {
    removal = await context.client.deleteApiKey(inputs.repoId, keyId, { deadline, cleanup: true });
  } catch (error) {
    throw new PartialKeyError(
      `${what}; deleting that unusable key failed too (${messageOf(error)}). It is recorded in the state, and the next \`pulumi up\` replaces it`,
      keyId,
      partialOutputs(inputs, key),
    );
  }
  // Thrown as a lost answer, so that the loop above tries again with a fresh key.
  throw incompleteAnswer(inputs, missing, `${what}; that unusable key ${removedUnderReservation(removal)}`);
}

/** What the state records of a key that could be neither handed over nor deleted: no secret, so the next `up` replaces it. */
function partialOutputs(inputs: RepoApiKeyInputs, key: string): RepoApiKeyOutputs {
  return { ...inputs, key, secret: "" };
}

/**
 * What deleting a key still under its reservation name achieved. A 404 proves nothing by itself
 * (the repository may be hidden from the token), but such a key is swept once its create is over.
 */
function removedUnderReservation(removal: "deleted" | "absent"): string {
  return removal === "deleted"
    ? "was deleted: nothing is left that no state knows about"
    : "could not be found to delete (404); if it is still there, it is under its reservation name, which a later deployment's sweep deletes";
}

function incompleteAnswer(inputs: RepoApiKeyInputs, missing: string[], hint: string): FlashbackApiError {
  return new FlashbackApiError({
    operation: `create API key "${inputs.name}"`,
    method: "POST",
    pathTemplate: API_PATHS.apiKeys,
    repoId: inputs.repoId,
    status: 200,
    hint: `${hint} (missing: ${missing.join(", ")})`,
    mayHaveActed: true,
  });
}

/** Deletes the key a lost create may have made, found by its reservation name; returns its id. Throws, saying what may be left, when it cannot tell. */
async function removeReservation(
  context: CreateContext,
  inputs: RepoApiKeyInputs,
  reservation: string,
  cause: FlashbackApiError,
  deadline: Deadline,
): Promise<string[]> {
  let listing;
  try {
    listing = await context.client.listApiKeys(inputs.repoId, { deadline, cleanup: true });
  } catch (error) {
    throw unresolved(cause, inputs, reservation, `listing the repository's keys to find it failed: ${messageOf(error)}`);
  }
  // A 404 may only mean that this token cannot see the repository any more: no proof that nothing is left.
  if (listing === undefined) throw unresolved(cause, inputs, reservation, "listing the repository's keys to find it answered 404");
  const listed = listing.keys;
  const removed: string[] = [];
  for (const orphan of listed.filter((key) => key.name === reservation)) {
    try {
      await context.client.deleteApiKey(inputs.repoId, orphan.id, { deadline, cleanup: true });
      removed.push(orphan.id);
    } catch (error) {
      throw unresolved(cause, inputs, reservation, `deleting the orphaned key "${orphan.id}" failed: ${messageOf(error)}`);
    }
  }
  return removed;
}

function unresolved(cause: FlashbackApiError, inputs: RepoApiKeyInputs, reservation: string, problem: string): FlashbackApiError {
  return new FlashbackApiError({
    ...cause.failure,
    hint: `Flashback may have created the key anyway, and ${problem}. If it did, it is named "${reservation}" in repository "${inputs.repoId}", and the first \`pulumi up\` or \`pulumi destroy\` that writes there once its create's time is over deletes it`,
  });
}

function gaveUp(cause: FlashbackApiError, removed: string[], attempts: number): FlashbackApiError {
  const cleanup =
    removed.length === 0
      ? "no key was left behind in Flashback"
      : `the ${removed.length} orphaned key(s) it made (${removed.join(", ")}) were deleted, so none is left behind`;
  return new FlashbackApiError({
    ...cause.failure,
    hint: `${attempts === 1 ? "1 attempt" : `${attempts} attempts`} failed without a usable answer; ${cleanup}. Run \`pulumi up\` again`,
  });
}
