import { join } from "node:path";
import type { RunningEmulator } from "../../emulator";
import { MiniEngine, type EngineOptions } from "../../testkit/engine/mini-engine";
import { TEST_REPO, TEST_TOKEN } from "./emulator-provider";
import { REPO_ROOT } from "./run-node";

/** A mini engine on one of the example programs, configured for the emulator with the token as a secret stack config value. */
export function engineFor(emulator: RunningEmulator, options: Partial<EngineOptions> & { example?: string } = {}): MiniEngine {
  const project = options.project ?? "flashback-test";
  return new MiniEngine({
    programDir: options.programDir ?? REPO_ROOT,
    main: options.main ?? join("examples", options.example ?? "basic", "index.ts"),
    project,
    stack: "test",
    typescript: options.typescript ?? true,
    config: {
      [`${project}:repoId`]: TEST_REPO,
      "flashback:apiUrl": emulator.url,
      "flashback:accessToken": TEST_TOKEN,
      ...options.config,
    },
    secretConfigKeys: ["flashback:accessToken"],
    ...(options.env ? { env: options.env } : {}),
    ...(options.parallel ? { parallel: options.parallel } : {}),
  });
}
