// What a generated SDK's static exists() calls: the engine reads each id through the plugin.
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
const exists = (id) => pulumi.runtime.existsResource("flashback:index:RepoApiKey", id, {});
exports.present = exists(config.require("presentId"));
exports.absent = exists(config.require("absentId"));
