// The program the bench's three subjects share (bench/ours, bench/baseline, bench/floor), each with
// its own key class: `keyCount` keys named `<keyPrefix>-<n>`. The real-CLI bench creates 200, then
// renames them all by changing `keyPrefix`. `encryptToFile` (this package only: bench/encrypt-to.ts)
// seals every key's secret to the recipient in that file.
const { readFileSync } = require("node:fs");
const pulumi = require("@pulumi/pulumi");

module.exports = function declareKeys(KeyClass, defaultPrefix) {
  const config = new pulumi.Config();
  const encryptToFile = config.get("encryptToFile");
  const sealed = encryptToFile === undefined ? {} : { encryptTo: readFileSync(encryptToFile, "utf8") };
  const keys = Array.from(
    { length: config.getNumber("keyCount") ?? 1 },
    (_, index) =>
      new KeyClass(`key-${index}`, {
        repoId: config.require("repoId"),
        name: `${config.get("keyPrefix") ?? defaultPrefix}-${index}`,
        accessType: "READ",
        ...sealed,
      }),
  );
  return keys.map((key) => key.id);
};
