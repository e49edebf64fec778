import { REPO_API_KEY_TYPE } from "../../provider/testing";
import { describeRotatingOptions } from "../helpers/rotating-options-suite";

// The TypeScript component over the dynamic RepoApiKey.
describeRotatingOptions({
  title: "a TypeScript RotatingRepoApiKey's options and secrets under the real pulumi CLI",
  program: "rotating-options-ts",
  keyType: REPO_API_KEY_TYPE,
  withPlainName: "rotating-options-withPlain",
});
