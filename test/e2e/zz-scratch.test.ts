import { join } from "node:path";
import { it } from "vitest";
import { cliStackOnEmulator, startTestEmulator } from "../helpers/emulator-provider";
import { UNATTENDED } from "../../testkit/pulumi-cli-stack";

it.each(["yaml-rotating-options", "rotating-options-ts"])("scratch %s", async (program) => {
  const emulator = await startTestEmulator();
  const stack = await cliStackOnEmulator(emulator, { programDir: join(__dirname, "programs", program), stackName: program.slice(0, 20) });
  const up = await stack.run(["up", ...UNATTENDED]);
  console.log(up.code, up.output.slice(-3000));
  const state = await stack.exportState();
  for (const r of state.resources ?? []) {
    const { urn, protect, retainOnDelete, deletedWith, customTimeouts, parent } = r as any;
    console.log(JSON.stringify({ urn: urn.split("::").slice(2).join("::"), protect, retainOnDelete, deletedWith, customTimeouts }));
  }
  await stack.run(["state", "unprotect", "--all", "--yes"]);
  await stack.dispose();
  await emulator.close();
});
