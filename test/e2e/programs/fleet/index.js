// The interrupted-deployments suite's program (test/e2e/interrupted.test.ts): `keyCount` keys named
// `<keyPrefix>-<n>` in the repository `repoId`; the key numbered `elsewhereIndex`, if set, goes to
// the repository `elsewhereRepoId` instead (one Flashback refuses, then one it accepts). With
// `encryptTo`, every key's secret is sealed to that recipient.
const pulumi = require("@pulumi/pulumi");
const { RepoApiKey } = require("@flashbacktech/pulumi");

const config = new pulumi.Config();
const elsewhere = config.getNumber("elsewhereIndex");
exports.keyIds = Array.from({ length: config.requireNumber("keyCount") }, (_, index) => {
  const repoId = index === elsewhere ? config.require("elsewhereRepoId") : config.require("repoId");
  const name = `${config.get("keyPrefix") ?? "fleet"}-${index}`;
  return new RepoApiKey(`key-${index}`, { repoId, name, accessType: "READ", encryptTo: config.get("encryptTo") }).id;
});
