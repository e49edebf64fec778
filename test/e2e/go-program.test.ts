import { describePluginProgram, GO_SDK_IMPORT, packageAdd } from "../helpers/plugin-program-suite";

// Go: `pulumi package add` generates the flashback Go module from the plugin's schema into the
// program's sdks/, points go.mod at it with a replace, and tidies.
describePluginProgram({
  language: "go",
  title: "a Go program through the flashback provider plugin and its generated SDK",
  prepare: packageAdd(GO_SDK_IMPORT),
});
