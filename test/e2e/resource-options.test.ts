import { REPO_API_KEY_TYPE } from "../../provider/testing";
import { describeResourceOptions } from "../helpers/resource-options-suite";

// The dynamic RepoApiKey of TypeScript and JavaScript programs (docs/resource-options.md).
describeResourceOptions({
  title: "resource options on the dynamic RepoApiKey under the real pulumi CLI",
  program: "resource-options",
  keyType: REPO_API_KEY_TYPE,
  importing: { adopts: false, refusal: "the import option cannot adopt key" },
});
