import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { REPO_ROOT, runNode } from "../helpers/run-node";
import { STUB_BUDGET_BYTES } from "../../provider/dynamic/stub";

/** A stack's reservation scope, as the program computes it. */
const SCOPE = "0123456789ab";

/** Serializes the stub the way `pulumi.dynamic.Resource` does, from the built package, with a token in the environment. */
const serializeScript = `
  const pulumi = require("@pulumi/pulumi");
  const { repoApiKeyProviderStub } = require("@flashbacktech/pulumi/lifecycle/stub");
  const stub = repoApiKeyProviderStub("${SCOPE}");
  pulumi.runtime.serializeFunction(() => stub, { allowSecrets: true })
    .then((sf) => process.stdout.write(JSON.stringify({ text: sf.text, containsSecrets: sf.containsSecrets })));
`;

/** Loads a serialized provider as the dynamic-provider process does (require-from-string, cwd = the program) and drives it. */
const loadScript = (file: string) => `
  const requireFromString = require("require-from-string");
  const text = require("fs").readFileSync(${JSON.stringify(file)}, "utf8");
  const provider = requireFromString(text).handler();
  (async () => {
    await provider.configure({ config: { get: () => undefined } });
    const checked = await provider.check({}, { repoId: "${TEST_REPO}", name: "stub", accessType: "read" });
    const created = await provider.create({ repoId: "${TEST_REPO}", name: "stub", accessType: "READ" });
    await provider.delete(created.id, created.outs);
    process.stdout.write(JSON.stringify({ failures: checked.failures, id: created.id }));
  })();
`;

let emulator: RunningEmulator;
let serialized: { text: string; containsSecrets: boolean };
beforeAll(async () => {
  emulator = await startTestEmulator();
  serialized = JSON.parse(await runNode(serializeScript, { env: { FLASHBACK_ACCESS_TOKEN: TEST_TOKEN } }));
});
afterAll(() => emulator.close());

describe("the serialized provider stub", () => {
  it("is under 1,000 bytes: one serialized method, configure, which hands the object the lifecycle", () => {
    expect(Buffer.byteLength(serialized.text)).toBeLessThanOrEqual(STUB_BUDGET_BYTES);
    expect(serialized.text).toContain("{configure: __f1}");
    expect(serialized.text).not.toContain("//");
  });

  it("holds code only: no token, no captured secret, no settings", () => {
    expect(serialized.containsSecrets).toBe(false);
    expect(serialized.text).not.toContain(TEST_TOKEN);
    expect(serialized.text).not.toMatch(/apiUrl|accessToken|127\.0\.0\.1/);
    expect(serialized.text).toContain('require("@flashbacktech/pulumi/lifecycle")');
  });

  it("carries the stack's reservation scope, the one value it captures", () => {
    expect(serialized.text).toContain(JSON.stringify(SCOPE));
  });

  it("works when loaded from a string in a program directory, reading its settings at run time", async () => {
    const programDir = mkdtempSync(join(tmpdir(), "flashback-program-"));
    const file = join(programDir, "provider.js");
    writeFileSync(file, serialized.text);
    // The program directory sits inside the repository, where the package resolves as it does from a user's node_modules.
    const result = JSON.parse(
      await runNode(loadScript(file), {
        cwd: join(REPO_ROOT, "examples"),
        env: { FLASHBACK_API_URL: emulator.url, FLASHBACK_ACCESS_TOKEN: TEST_TOKEN },
      }),
    );
    expect(result.failures[0].property).toBe("accessType");
    expect(typeof result.id).toBe("string");
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
    // The sweep's listing before the first write, the reservation, the claim, the delete.
    expect(emulator.requests.map((request) => request.method)).toEqual(["GET", "POST", "PUT", "DELETE"]);
  });
});
