const pulumi = require("@pulumi/pulumi");
const { RepoApiKey } = require("@flashbacktech/pulumi");

// A second dynamic resource, served by the same dynamic-provider process as the key: it reports that process's Node.js.
const reportsItsNode = {
  async create() {
    return { id: "node", outs: { version: process.version, execPath: process.execPath } };
  },
};
const provider = new pulumi.dynamic.Resource(reportsItsNode, "provider-node", { version: undefined, execPath: undefined });
const key = new RepoApiKey("runtime", { repoId: new pulumi.Config().require("repoId"), name: "runtime-versions", accessType: "READ" });

exports.keyId = key.id;
exports.programNode = process.version;
exports.programExecPath = process.execPath;
exports.providerNode = provider.version;
exports.providerExecPath = provider.execPath;
