import { join } from "node:path";
import { expect } from "vitest";
import { TEST_REPO } from "../helpers/emulator-provider";
import { describeScheduleUnderCli } from "../helpers/schedule-suite";

// The dynamic RotationSchedule driving a RotatingRepoApiKey: each step replaces the older key only.
describeScheduleUnderCli({
  title: "a TypeScript program's RotationSchedule driving a RotatingRepoApiKey, with now moved between deployments",
  languageHost: "nodejs",
  programDir: join(__dirname, "programs", "schedule-ts"),
  stackName: "schedule-ts",
  duePreview: (stdout) => {
    expect(stdout.match(/dynamic\/flashback:RepoApiKey: \(replace\)/g), "one key replaced at a step, the other kept").toHaveLength(1);
    expect(stdout).toMatch(/rotateWhenChanged: "generation -1" => "generation 1"/);
  },
  afterStep: ({ rotated, before, after, emulator }) => {
    const held = emulator.store.list(TEST_REPO).map((key) => key.id);
    expect(held.sort()).toEqual([after.currentKeyId, after.previousKeyId].sort());
    if (rotated) expect(after.previousKeyId, "the key current before the step is previous after it, still valid").toBe(before.currentKeyId);
    else expect([after.currentKeyId, after.previousKeyId]).toEqual([before.currentKeyId, before.previousKeyId]);
  },
});
