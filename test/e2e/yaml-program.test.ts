import { describePluginProgram } from "../helpers/plugin-program-suite";

// Pulumi YAML: no SDK to generate, the type token is written as it is.
describePluginProgram({ language: "yaml", title: "a YAML program through the flashback provider plugin" });
