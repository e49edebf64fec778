// The floor of `npm run bench`: a dynamic provider that makes no request at all and only waits the
// emulator's latency in each call. What it costs above the ideal is what Pulumi's provider process,
// the gRPC calls and the driver cost on this machine: no HTTP provider can go below it.
const pulumi = require("@pulumi/pulumi");

const wait = () => new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_LATENCY_MS ?? 0)));
let sequence = 0;

const floorProvider = {
  async create(inputs) {
    await wait();
    sequence += 1;
    return { id: `floor-${process.pid}-${sequence}`, outs: { ...inputs, key: "k", secret: "s" } };
  },
  async read(id, props) {
    await wait();
    return { id, props };
  },
  async update(id, olds, news) {
    await wait();
    return { outs: { ...olds, name: news.name, accessType: news.accessType } };
  },
  async delete() {
    await wait();
  },
};

class FloorKey extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(floorProvider, name, { ...args, key: undefined, secret: undefined }, { ...opts, additionalSecretOutputs: ["key", "secret"] });
  }
}

exports.keyIds = require("../declare-keys")(FloorKey, "floor");
