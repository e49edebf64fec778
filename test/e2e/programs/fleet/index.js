// The interrupted-deployments suite's program (test/e2e/interrupted.test.ts): `keyCount` keys named
// `<keyPrefix>-<n>` in the repository `repoId`; the key numbered `elsewhereIndex`, if set, goes to
// the repository `elsewhereRepoId` instead (one Flashback refuses, then one it accepts).
const pulumi = require("@pulumi/pulumi");
const { RepoApiKey } = require("@flashbacktech/pulumi");

const config = new pulumi.Config();
const elsewhere = config.getNumber("elsewhereIndex");
exports.keyIds = Array.from({ length: config.requireNumber("keyCount") }, (_, index) => {
  const repoId = index === elsewhere ? config.require("elsewhereRepoId") : config.require("repoId");
  return new RepoApiKey(`key-${index}`, { repoId, name: `${config.get("keyPrefix") ?? "fleet"}-${index}`, accessType: "READ" }).id;
});
