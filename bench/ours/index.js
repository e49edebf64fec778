// This package in `npm run bench`'s real-CLI figures: the same program as bench/baseline and
// bench/floor, with RepoApiKey. Plain JavaScript like theirs, so no program pays for TypeScript.
const { RepoApiKey } = require("@flashbacktech/pulumi");

exports.keyIds = require("../declare-keys")(RepoApiKey, "ours");
