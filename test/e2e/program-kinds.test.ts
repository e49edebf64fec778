import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { cliStackOnEmulator, startTestEmulator, TEST_REPO } from "../helpers/emulator-provider";
import { realCliSuite } from "../../testkit/find-pulumi-cli";
import { UNATTENDED, type CliStack } from "../../testkit/pulumi-cli-stack";

/*
 * Sequence 15 of the real-CLI suite: the kinds of Node.js program a user writes, each through the
 * real `pulumi up` and `pulumi destroy`. TypeScript in CommonJS is the main suite's own program.
 */

const suite = realCliSuite("15. program kinds under the real pulumi CLI");

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator?.close());

const stackFor = (kind: string): Promise<CliStack> =>
  cliStackOnEmulator(emulator, { programDir: join(__dirname, "programs", kind), stackName: "kinds" });

/**
 * Node.js strips TypeScript's types itself from 22.18 and 23.6 on (`process.features.typescript`):
 * there a TypeScript ES module runs as the JavaScript ones do. The programs run on this process's Node.
 */
const NODE_STRIPS_TYPES = Boolean((process.features as { typescript?: unknown }).typescript);
const WORKING_KINDS = ["js-commonjs", "js-esm", ...(NODE_STRIPS_TYPES ? ["ts-esm"] : [])];

describe.skipIf(suite.skip)(suite.title, () => {
  it.each(WORKING_KINDS)("%s: up creates the key with its secret secret, destroy removes it", async (kind) => {
    const stack = await stackFor(kind);
    try {
      const up = await stack.run(["up", ...UNATTENDED]);
      expect(up.code, up.output).toBe(0);
      expect(up.stdout).toMatch(/secretKey\s*: \[secret\]/);
      const outputs = await stack.outputs();
      expect(emulator.store.get(TEST_REPO, outputs.keyId as string)?.name).toBe(kind);
      const destroy = await stack.run(["destroy", ...UNATTENDED]);
      expect(destroy.code, destroy.output).toBe(0);
      expect(emulator.store.list(TEST_REPO).filter((key) => key.name === kind)).toEqual([]);
    } finally {
      await stack.dispose();
    }
  });

  it.skipIf(NODE_STRIPS_TYPES)(
    "ts-esm on a Node.js that does not strip types: fails before any request, with the message docs/troubleshooting.md documents",
    async () => {
      const stack = await stackFor("ts-esm");
      try {
        emulator.requests.length = 0;
        const up = await stack.run(["up", ...UNATTENDED]);
        expect(up.code).not.toBe(0);
        expect(up.output).toContain(TS_ESM_MESSAGE);
        expect(emulator.requests).toEqual([]);
      } finally {
        await stack.dispose();
      }
    },
  );
});

/**
 * What Pulumi's program runner says of a TypeScript ES module: it runs ES modules through
 * `ts-node/esm` only where the program has ts-node 10 installed; its vendored ts-node 7 cannot.
 */
const TS_ESM_MESSAGE = 'TypeError: Unknown file extension ".ts"';
