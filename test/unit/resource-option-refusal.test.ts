import { describe, expect, it } from "vitest";
import { RepoApiKey } from "../../provider/resources/repo-api-key";
import { isFlashbackError } from "../../provider/errors/type-guards";
import type { ResourceOptionError } from "../../provider/errors/resource-option-error";

describe("RepoApiKey resource options", () => {
  it("refuses the import option where the program sets it, naming the option and the plugin's resource", () => {
    let thrown: unknown;
    try {
      new RepoApiKey("adopted", { repoId: "repo-1", name: "adopted", accessType: "READ" }, { import: "k-1" });
    } catch (error) {
      thrown = error;
    }
    expect(isFlashbackError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ name: "ResourceOptionError", code: "FLASHBACK_RESOURCE_OPTION_ERROR", option: "import" });
    expect((thrown as ResourceOptionError).message).toBe(
      'RepoApiKey "adopted": the import option cannot adopt key "k-1" into the dynamic RepoApiKey, since Pulumi\'s dynamic provider ' +
        "cannot read a resource it did not create. Adopt it with the plugin's resource flashback:index:RepoApiKey " +
        "(`pulumi package add flashback`; its import id is <repoId>/<keyId>), or remove the option to have this stack create a new key",
    );
    expect(JSON.parse(JSON.stringify(thrown))).toMatchObject({ option: "import" });
  });
});
