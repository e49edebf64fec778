// This package in `npm run bench`'s real-CLI figures: the same program as bench/baseline and
// bench/floor, with RepoApiKey. Plain JavaScript like theirs, so no program pays for TypeScript.
const pulumi = require("@pulumi/pulumi");
const { RepoApiKey } = require("@flashbacktech/pulumi");

const config = new pulumi.Config();
const keys = Array.from(
  { length: config.getNumber("keyCount") ?? 1 },
  (_, index) =>
    new RepoApiKey(`key-${index}`, {
      repoId: config.require("repoId"),
      name: `${config.get("keyPrefix") ?? "ours"}-${index}`,
      accessType: "READ",
    }),
);
exports.keyIds = keys.map((key) => key.id);
