// The program the bench's three subjects share (bench/ours, bench/baseline, bench/floor), each with
// its own key class: `keyCount` keys named `<keyPrefix>-<n>`. The real-CLI bench creates 200, then
// renames them all by changing `keyPrefix`.
const pulumi = require("@pulumi/pulumi");

module.exports = function declareKeys(KeyClass, defaultPrefix) {
  const config = new pulumi.Config();
  const keys = Array.from(
    { length: config.getNumber("keyCount") ?? 1 },
    (_, index) =>
      new KeyClass(`key-${index}`, {
        repoId: config.require("repoId"),
        name: `${config.get("keyPrefix") ?? defaultPrefix}-${index}`,
        accessType: "READ",
      }),
  );
  return keys.map((key) => key.id);
};
