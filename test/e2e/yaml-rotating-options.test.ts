import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { describeRotatingOptions } from "../helpers/rotating-options-suite";

// The plugin's Construct, for every language but TypeScript.
describeRotatingOptions({
  title: "a YAML RotatingRepoApiKey's options and secrets under the real pulumi CLI",
  program: "yaml-rotating-options",
  languageHost: "yaml",
  keyType: REPO_API_KEY_TOKEN,
  withPlainName: "rotating-options-with-plain",
});
