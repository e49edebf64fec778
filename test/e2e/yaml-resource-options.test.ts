import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { describeResourceOptions } from "../helpers/resource-options-suite";

// The plugin's flashback:index:RepoApiKey, from YAML (docs/resource-options.md).
describeResourceOptions({
  title: "resource options on the plugin's RepoApiKey from a YAML program under the real pulumi CLI",
  program: "yaml-resource-options",
  languageHost: "yaml",
  keyType: REPO_API_KEY_TOKEN,
  importing: { adopts: true },
});
