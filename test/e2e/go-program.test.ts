import { expect } from "vitest";
import { describePluginProgram, PLUGIN_EXECUTABLE } from "../helpers/plugin-program-suite";

// Go: `pulumi package add` generates the flashback Go module from the plugin's schema into the
// program's sdks/, points go.mod at it with a replace, and tidies.
describePluginProgram({
  language: "go",
  title: "a Go program through the flashback provider plugin and its generated SDK",
  prepare: async (stack) => {
    const added = await stack.succeed("package", "add", PLUGIN_EXECUTABLE);
    expect(added.output).toMatch(/Successfully generated an SDK for the flashback package/);
    expect(added.output).toMatch(/import "github.com\/flashbacknetwork\/pulumi-flashback\/sdk\/go\/flashback"/);
  },
});
