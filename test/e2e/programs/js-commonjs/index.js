const pulumi = require("@pulumi/pulumi");
const { RepoApiKey } = require("@flashbacktech/pulumi");

const key = new RepoApiKey("js-commonjs", { repoId: new pulumi.Config().require("repoId"), name: "js-commonjs", accessType: "READ" });
exports.keyId = key.id;
exports.secretKey = key.secret;
