import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPulumiCli } from "../helpers/find-pulumi-cli";
import { REPO_ROOT } from "../helpers/run-node";

/** `npm run demo` is the README's main job: it must run on a machine without the Pulumi CLI and show no secret. */
describe.skipIf(findPulumiCli() !== undefined)(
  "npm run demo without a Pulumi CLI (skipped where a CLI exists: the demo then runs real pulumi)",
  () => {
    it("says it uses the test engine, creates the keys and prints the outputs with secrets masked", async () => {
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          join(REPO_ROOT, "node_modules", ".bin", "tsx"),
          [join(REPO_ROOT, "scripts", "demo.ts")],
          { cwd: REPO_ROOT },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
        ),
      );
      const lines = output.split("\n");
      expect(lines[0]).toMatch(/^No Pulumi CLI found: running the demo stack through this repository's built-in test engine/);
      expect(output).toContain("Preview: 3 to create (read-key, write-key, admin-key); 0 requests sent to Flashback");
      expect(output).toContain("Up: created 3 keys in Flashback");
      const outputs = JSON.parse(output.slice(output.indexOf("{"))) as { credentials: Array<Record<string, string>>; keyIds: string[] };
      expect(outputs.keyIds).toHaveLength(3);
      expect(outputs.credentials.map((credential) => [credential.key, credential.secret])).toEqual(Array(3).fill(["[secret]", "[secret]"]));
    });
  },
);
