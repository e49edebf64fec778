import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { STUB_BUDGET_BYTES } from "../../provider/dynamic/stub";
import { REPO_ROOT, runNode } from "../helpers/run-node";

/** Serializes the RotationSchedule's stub the way `pulumi.dynamic.Resource` does, from the built package. */
const serializeScript = `
  const pulumi = require("@pulumi/pulumi");
  const { rotationScheduleProviderStub } = require(${JSON.stringify(join(REPO_ROOT, "dist/provider/dynamic/schedule-stub.js"))});
  const stub = rotationScheduleProviderStub();
  pulumi.runtime.serializeFunction(() => stub, { allowSecrets: true }).then((sf) => process.stdout.write(sf.text));
`;

/** Loads it as the dynamic-provider process does, and runs a create and a due step at FLASHBACK_TEST_NOW. */
const loadScript = (file: string) => `
  const provider = require("require-from-string")(require("fs").readFileSync(${JSON.stringify(file)}, "utf8")).handler();
  (async () => {
    await provider.configure({ config: { get: () => undefined } });
    const first = await provider.check({}, { everyDays: 1 });
    const created = await provider.create(first.inputs);
    const bad = await provider.check({}, { everyDays: -1 });
    process.stdout.write(JSON.stringify({ id: created.id, outs: created.outs, failures: bad.failures }));
  })();
`;

let text: string;
beforeAll(async () => {
  text = await runNode(serializeScript);
});

describe("the RotationSchedule's serialized stub", () => {
  it("is one method, configure, within the stubs' budget, and captures nothing", () => {
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(STUB_BUDGET_BYTES);
    expect(text).toContain("{configure: __f1}");
    expect(text).toContain('require("@flashbacktech/pulumi/lifecycle").adoptScheduleStub');
  });

  it("loaded from a string in a program directory, runs the schedule's rule", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "flashback-program-")), "provider.js");
    writeFileSync(file, text);
    const result = JSON.parse(
      await runNode(loadScript(file), { cwd: join(REPO_ROOT, "examples"), env: { FLASHBACK_TEST_NOW: "2030-01-01T00:00:00Z" } }),
    );
    expect(result.id).toMatch(/^schedule-/);
    expect(result.outs).toEqual({
      everyDays: 1,
      rotation: 0,
      rotatedAt: "2030-01-01T00:00:00.000Z",
      nextRotationAfter: "2030-01-02T00:00:00.000Z",
    });
    expect(result.failures[0].property).toBe("everyDays");
  });
});
