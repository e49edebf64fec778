import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createTwice,
  dropCiphertext,
  forgetDeletes,
  logPlainSecret,
  logSealedPlaintext,
  sealToStranger,
  skipSealing,
  updateByDeleting,
  type LifecycleFault,
} from "./model-faults";
import { worldArb, type World } from "./model-world";
import { runWorld } from "./run-model";

/*
 * Each promise broken on purpose, by a fault put into a copy of the lifecycle (model-faults.ts):
 * the model, generating worlds as it does in protocol-model.test.ts, must find a run that reports
 * that very finding. A model that no longer sees one of these would pass whatever the lifecycle did.
 */

const RUNS = 300;

const BROKEN: Array<{ rule: string; fault: LifecycleFault; finding: RegExp }> = [
  {
    rule: "a sealed key handed over without its ciphertext is lost",
    fault: dropCiphertext,
    finding: /^key lost: .* sealed key without its ciphertext/,
  },
  {
    rule: "a sealed key's ciphertext opens to its secret",
    fault: sealToStranger,
    finding: /^key lost: .* does not open to the key's secret/,
  },
  { rule: "no sealed plaintext in a state", fault: skipSealing, finding: /^secret exposed: .* holds the plaintext of sealed key/ },
  {
    rule: "no sealed plaintext in a message",
    fault: logSealedPlaintext,
    finding: /^secret exposed: warning of .* holds the plaintext of sealed key/,
  },
  { rule: "no key left that no state holds", fault: forgetDeletes, finding: /^key orphaned: .* held by no state/ },
  {
    rule: "no key a state holds deleted but by its delete",
    fault: updateByDeleting,
    finding: /^key lost: .* deleted by d\d+ \(stack #\d\) update/,
  },
  { rule: "one live key per resource", fault: createTwice, finding: /^duplicate: .* has another live key in its state/ },
  { rule: "no plain secret outside `secret`", fault: logPlainSecret, finding: /^secret exposed: warning of .* holds a key's secret/ },
];

describe("the model finds each promise broken on purpose", () => {
  it.each(BROKEN)("$rule", async ({ fault, finding }) => {
    const result = await fc.check(
      fc.asyncProperty(worldArb, async (world) => !(await runWorld(world, { fault })).findings.some((line) => finding.test(line))),
      { numRuns: RUNS, seed: 20261207, endOnFailure: true },
    );
    expect(result.failed, `no run out of ${RUNS} found it`).toBe(true);
    const [world] = result.counterexample as [World];
    const { findings } = await runWorld(world, { fault });
    expect(
      findings.some((line) => finding.test(line)),
      findings.join("\n"),
    ).toBe(true);
  });
});
