const pulumi = require("@pulumi/pulumi");
const { RepoApiKey } = require("@flashbacktech/pulumi");

// One key per resource option; the config moves each one where its option matters.
const config = new pulumi.Config();
const repoId = config.require("repoId");
const key = (name, args, opts) => new RepoApiKey(name, { repoId, name: `options-${name}`, accessType: "READ", ...args }, opts);

key("ignored", { name: config.get("ignoredName") ?? "options-ignored" }, { ignoreChanges: ["name"] });
key("replaced", { accessType: config.get("replacedAccess") ?? "READ" }, { replaceOnChanges: ["accessType"] });
key("dbr", { rotateWhenChanged: config.get("dbrRotation") ?? "rotation-1" }, { deleteBeforeReplace: true });
key("protected", {}, { protect: true });
key("retained", { rotateWhenChanged: config.get("retainedRotation") ?? "rotation-1" }, { retainOnDelete: true });
// A dynamic resource cannot be imported: the program fails where it asks to.
const adoptId = config.get("adoptId");
if (adoptId !== undefined) key("adopted", {}, { import: adoptId });
