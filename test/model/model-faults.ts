import { ageKeyPair } from "../../testkit/encryption-keys";
import type { ModelLifecycle } from "./model-wire";

/*
 * Faults put on purpose into a copy of the lifecycle the model drives, one per promise: each
 * must make the model report that promise broken (broken-rules.test.ts), or the model would not
 * see it broken by a real change either.
 */

/** What a fault may use besides the lifecycle: the process's warnings (read like the engine's log), and the test's private key. */
export interface FaultTools {
  warn(message: string): void;
  openSealed(armored: string): Promise<string>;
}

/** Wraps a process's lifecycle; the model then calls the wrapper for every step. */
export type LifecycleFault = (lifecycle: ModelLifecycle, tools: FaultTools) => ModelLifecycle;

/** Hands a sealed key over without its ciphertext: nobody can read its secret. */
export const dropCiphertext: LifecycleFault = (lifecycle) =>
  withCreate(lifecycle, async (inputs) => {
    const made = await lifecycle.create(inputs);
    const { encryptedSecret: _dropped, ...outputs } = made.outputs;
    return { ...made, outputs };
  });

/** Seals nothing: the key is made plain and stored with its recipient, its secret in plain text in the state. */
export const skipSealing: LifecycleFault = (lifecycle) =>
  withCreate(lifecycle, async (inputs) => {
    const { encryptTo, ...plain } = inputs;
    const made = await lifecycle.create(plain);
    return { ...made, outputs: { ...made.outputs, ...(typeof encryptTo === "string" ? { encryptTo } : {}) } };
  });

/** Writes a sealed key's secret to the log, as a debug line of the create's answer would. */
export const logSealedPlaintext: LifecycleFault = (lifecycle, { warn, openSealed }) =>
  withCreate(lifecycle, async (inputs) => {
    const made = await lifecycle.create(inputs);
    const sealed = made.outputs.encryptedSecret;
    if (typeof sealed === "string") warn(`API key ${made.id} created; its secret is ${await openSealed(sealed)}`);
    return made;
  });

/** Seals to somebody else's recipient while the state names the user's: the ciphertext opens for nobody who should read it. */
export const sealToStranger: LifecycleFault = (lifecycle) =>
  withCreate(lifecycle, async (inputs) => {
    if (typeof inputs.encryptTo !== "string") return lifecycle.create(inputs);
    const made = await lifecycle.create({ ...inputs, encryptTo: (await ageKeyPair()).recipient });
    return { ...made, outputs: { ...made.outputs, encryptTo: inputs.encryptTo } };
  });

/** Reports a delete done without deleting anything: the key stays in Flashback, held by no state. */
export const forgetDeletes: LifecycleFault = (lifecycle) => ({ ...bind(lifecycle), delete: async () => undefined });

/** Makes every key twice and hands over the second: the first stays under the declared name, held by nobody. */
export const createTwice: LifecycleFault = (lifecycle) =>
  withCreate(lifecycle, async (inputs) => {
    await lifecycle.create(inputs);
    return lifecycle.create(inputs);
  });

/** Renames by deleting: an update deletes the key its state goes on holding. */
export const updateByDeleting: LifecycleFault = (lifecycle) => ({
  ...bind(lifecycle),
  update: async (id, stored, news) => {
    await lifecycle.delete(id, stored);
    return lifecycle.update(id, stored, news);
  },
});

/** Writes a plain key's secret to the log. */
export const logPlainSecret: LifecycleFault = (lifecycle, { warn }) =>
  withCreate(lifecycle, async (inputs) => {
    const made = await lifecycle.create(inputs);
    if (made.outputs.secret !== "") warn(`API key ${made.id} created with secret ${made.outputs.secret}`);
    return made;
  });

function withCreate(lifecycle: ModelLifecycle, create: ModelLifecycle["create"]): ModelLifecycle {
  return { ...bind(lifecycle), create };
}

/** The lifecycle's methods bound to it, so that a wrapper can replace some and keep the rest. */
function bind(lifecycle: ModelLifecycle): ModelLifecycle {
  return {
    check: (news) => lifecycle.check(news),
    diff: (olds, news) => lifecycle.diff(olds, news),
    create: (inputs) => lifecycle.create(inputs),
    read: (id, stored) => lifecycle.read(id, stored),
    importKey: (importId) => lifecycle.importKey(importId),
    update: (id, stored, news) => lifecycle.update(id, stored, news),
    delete: (id, stored) => lifecycle.delete(id, stored),
  };
}
