import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect } from "vitest";
import type { RecordedRequest, RunningEmulator } from "../../emulator";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { keysInState, UNATTENDED, type CliStack, type StateResource } from "../../testkit/pulumi-cli-stack";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "./emulator-provider";
import { sequentialSteps } from "./sequential-steps";

/** The id under which the suite plants the key the plugin's program adopts (its Pulumi.yaml names it: YAML takes a literal). */
export const ADOPTED_KEY_ID = "0b7e55a1-0000-4000-8000-0000000000ad";

export interface ResourceOptionsFront {
  title: string;
  /** The program's folder under test/e2e/programs: one key per option, named for it (`ignored`, `replaced`, …). */
  program: string;
  languageHost?: "yaml";
  /** The type token of its keys in the state. */
  keyType: string;
  /**
   * The import option. The plugin adopts the key planted under `ADOPTED_KEY_ID` as `adopted` on the
   * first `up`; the dynamic program, given the config `adoptId`, fails with the message `refusal` holds.
   */
  importing: { adopts: true } | { adopts: false; refusal: string };
}

/** The keys the programs declare with an option each, and the one they adopt (the plugin's) or refuse to (the dynamic one's). */
const OPTION_KEYS = ["dbr", "ignored", "protected", "replaced", "retained"];

/**
 * Pulumi's resource options on a Flashback key, through the real CLI, one front per call: the
 * dynamic `RepoApiKey` or the plugin's `flashback:index:RepoApiKey`. One stack, steps in order, each
 * asserting what Flashback (the emulator's request log and store) and the state show.
 */
export function describeResourceOptions(front: ResourceOptionsFront): void {
  const suite = realCliSuite(front.title, front.languageHost ? { languageHost: front.languageHost } : {});
  const step = sequentialSteps();
  let emulator: RunningEmulator;
  let stack: CliStack;

  const up = () => stack.succeed("up", ...UNATTENDED);
  const writes = (): string[] =>
    emulator.requests.filter((request: RecordedRequest) => request.method !== "GET").map((request) => `${request.method} ${request.path}`);
  const keys = async (): Promise<StateResource[]> => keysInState(await stack.exportState(), front.keyType);
  const key = async (name: string): Promise<StateResource> => {
    const found = (await keys()).find((resource) => resource.urn.endsWith(`::${name}`));
    if (found?.id === undefined) throw new Error(`the state holds no key "${name}"`);
    return found;
  };
  const path = (id: string | undefined) => `/repo/${TEST_REPO}/apikey${id === undefined ? "" : `/${id}`}`;
  /** Sets `config`, runs `up`, and returns the key's ids before and after, which must differ. */
  const replaceBy = async (name: string, config: Record<string, string>): Promise<{ before?: string; after?: string }> => {
    const before = (await key(name)).id;
    await stack.setConfig(config);
    await up();
    const after = (await key(name)).id;
    expect(after).not.toBe(before);
    return { before, after };
  };

  describe.skipIf(suite.skip)(suite.title, () => {
    beforeAll(async () => {
      emulator = await startTestEmulator();
      stack = await cliStackOnEmulator(emulator, {
        programDir: join(__dirname, "..", "e2e", "programs", front.program),
        stackName: "options",
      });
    });

    afterAll(async () => {
      await stack?.dispose();
      await emulator?.close();
    });

    beforeEach(() => {
      emulator.requests.length = 0;
    });

    step("up creates one key per option" + (front.importing.adopts ? ", and adopts the key the import option names" : ""), async () => {
      // Planted under another name and access level than the program declares: the declared ones win.
      if (front.importing.adopts) emulator.store.create(TEST_REPO, "made-by-hand", "WRITE", { id: ADOPTED_KEY_ID });
      const result = await up();
      const names = (await keys()).map((resource) => resource.urn.split("::").pop()).sort();
      expect(names).toEqual(front.importing.adopts ? ["adopted", ...OPTION_KEYS].sort() : OPTION_KEYS);
      expect(writes().filter((write) => write.startsWith("POST"))).toHaveLength(OPTION_KEYS.length);
      if (front.importing.adopts) {
        // Adopted by `<repoId>/<keyId>`: Flashback's key itself, no POST for it, and no secret to be had. The
        // engine then updates it in place to what the program declares.
        expect((await key("adopted")).id).toBe(ADOPTED_KEY_ID);
        expect(writes().filter((write) => write.includes(ADOPTED_KEY_ID))).toEqual([`PUT ${path(ADOPTED_KEY_ID)}`]);
        expect(emulator.store.get(TEST_REPO, ADOPTED_KEY_ID)).toMatchObject({ name: "options-adopted", accessType: "READ" });
        expect(result.output).toMatch(/imported without its secret/);
      }
    });

    step(
      "ignoreChanges on name: a console rename survives refresh and up, even a new declared name; a key without it is renamed back",
      async () => {
        const ignored = (await key("ignored")).id as string;
        const other = (await key("replaced")).id as string;
        emulator.store.update(TEST_REPO, ignored, { name: "renamed-in-console", accessType: "READ" });
        emulator.store.update(TEST_REPO, other, { name: "drifted-in-console", accessType: "READ" });
        await stack.succeed("refresh", ...UNATTENDED);
        await stack.setConfig({ ignoredName: "options-declared-anew" });
        await up();
        expect(writes()).toEqual([`PUT ${path(other)}`]);
        expect(emulator.store.get(TEST_REPO, other)?.name).toBe("options-replaced");
        expect(emulator.store.get(TEST_REPO, ignored)?.name).toBe("renamed-in-console");
        // The refresh stored Flashback's name as the key's input, which ignoreChanges then keeps.
        expect(await key("ignored")).toMatchObject({ inputs: { name: "renamed-in-console" }, outputs: { name: "renamed-in-console" } });
      },
    );

    step("replaceOnChanges on accessType: a new access level replaces the key, create before delete", async () => {
      const { before, after } = await replaceBy("replaced", { replacedAccess: "WRITE" });
      expect(writes()).toEqual([`POST ${path(undefined)}`, `PUT ${path(after)}`, `DELETE ${path(before)}`]);
      expect(emulator.store.get(TEST_REPO, after as string)?.accessType).toBe("WRITE");
      expect(emulator.store.get(TEST_REPO, before as string)).toBeUndefined();
    });

    step("deleteBeforeReplace: a replacement deletes the old key before it posts the new one", async () => {
      const { before, after } = await replaceBy("dbr", { dbrRotation: "rotation-2" });
      expect(writes()).toEqual([`DELETE ${path(before)}`, `POST ${path(undefined)}`, `PUT ${path(after)}`]);
    });

    const { importing } = front;
    if (!importing.adopts) {
      step("import: refused where the program sets it, with what to do instead; nothing sent", async () => {
        await stack.setConfig({ adoptId: `${TEST_REPO}/${ADOPTED_KEY_ID}` });
        try {
          const result = await stack.run(["up", ...UNATTENDED]);
          expect(result.code).not.toBe(0);
          expect(result.output).toContain(importing.refusal);
          expect(writes()).toEqual([]);
        } finally {
          await stack.removeConfig("adoptId");
        }
      });
    }

    step("protect: destroy refuses to delete the protected key, which stays in Flashback and the state", async () => {
      const guarded = await key("protected");
      // Aimed at the protected key alone: a whole destroy would also delete, in parallel, what the next step needs.
      const result = await stack.run(["destroy", ...UNATTENDED, "--target", guarded.urn]);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/cannot be deleted\s+because it is protected/);
      expect(writes()).toEqual([]);
      expect(emulator.store.get(TEST_REPO, guarded.id as string)).toBeDefined();
      expect((await key("protected")).id).toBe(guarded.id);
    });

    step("retainOnDelete: a replacement and destroy leave the old keys in Flashback, and take them out of the state", async () => {
      const { before: first, after: second } = await replaceBy("retained", { retainedRotation: "rotation-2" });
      expect(writes()).toEqual([`POST ${path(undefined)}`, `PUT ${path(second)}`]);
      const guarded = await key("protected");
      await stack.succeed("state", "unprotect", guarded.urn, "--yes");
      await stack.succeed("destroy", ...UNATTENDED);
      expect(await keys()).toEqual([]);
      expect(writes()).toContain(`DELETE ${path(guarded.id)}`);
      for (const retained of [first, second]) expect(writes()).not.toContain(`DELETE ${path(retained)}`);
      const left = emulator.store.allKeys().map((stored) => stored.id);
      expect(left.sort()).toEqual([first, second].sort());
    });
  });
}
