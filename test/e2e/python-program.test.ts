import { expect } from "vitest";
import { describePluginProgram, PLUGIN_EXECUTABLE } from "../helpers/plugin-program-suite";

// Python: `pulumi package add` generates pulumi_flashback from the plugin's schema into the
// program's sdks/, adds it to requirements.txt and installs it into the program's virtual environment.
describePluginProgram({
  language: "python",
  title: "a Python program through the flashback provider plugin and its generated SDK",
  prepare: async (stack) => {
    const added = await stack.succeed("package", "add", PLUGIN_EXECUTABLE);
    expect(added.output).toMatch(/Successfully generated an SDK for the flashback package/);
    expect(added.output).toMatch(/import pulumi_flashback/);
  },
});
