// The baseline of `npm run bench`: the minimal dynamic provider a user would write from Pulumi's
// docs. Global fetch, one request per call, no retries, inline in the program. Its settings are
// read from the environment at run time, as ours are, so both are configured alike.
const pulumi = require("@pulumi/pulumi");

const baselineProvider = {
  async create(inputs) {
    const response = await fetch(`${process.env.FLASHBACK_API_URL}/repo/${inputs.repoId}/apikey`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${process.env.FLASHBACK_ACCESS_TOKEN}` },
      body: JSON.stringify({ name: inputs.name, accessType: inputs.accessType }),
    });
    if (!response.ok) throw new Error(`create failed: ${response.status}`);
    const body = await response.json();
    return { id: body.id, outs: { ...inputs, key: body.key, secret: body.secret } };
  },
  async read(id, props) {
    const response = await fetch(`${process.env.FLASHBACK_API_URL}/repo/${props.repoId}/apikey`, {
      headers: { Authorization: `Bearer ${process.env.FLASHBACK_ACCESS_TOKEN}` },
    });
    if (!response.ok) throw new Error(`read failed: ${response.status}`);
    const body = await response.json();
    const key = body.keys.find((candidate) => candidate.id === id);
    return key ? { id, props: { ...props, name: key.name, accessType: key.accessType } } : { id: "" };
  },
  async update(id, olds, news) {
    const response = await fetch(`${process.env.FLASHBACK_API_URL}/repo/${olds.repoId}/apikey/${id}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${process.env.FLASHBACK_ACCESS_TOKEN}` },
      body: JSON.stringify({ name: news.name, accessType: news.accessType }),
    });
    if (!response.ok) throw new Error(`update failed: ${response.status}`);
    return { outs: { ...olds, name: news.name, accessType: news.accessType } };
  },
  async delete(id, props) {
    const response = await fetch(`${process.env.FLASHBACK_API_URL}/repo/${props.repoId}/apikey/${id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${process.env.FLASHBACK_ACCESS_TOKEN}` },
    });
    if (!response.ok && response.status !== 404) throw new Error(`delete failed: ${response.status}`);
  },
};

class BaselineKey extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(baselineProvider, name, { ...args, key: undefined, secret: undefined }, { ...opts, additionalSecretOutputs: ["key", "secret"] });
  }
}

exports.keyIds = require("../declare-keys")(BaselineKey, "baseline");
