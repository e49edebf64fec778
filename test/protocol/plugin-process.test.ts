import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { emptyProto, grpc, providerGrpc, providerProto, toStruct, wrapSecret, type Props } from "../../provider/engine/pulumi-protocol";
import { servePlugin } from "../../provider/plugin/serve";
import { keyIdsIn, lifecycleFor, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { startFakeEngine } from "../helpers/fake-engine";
import { REPO_ROOT, runNode } from "../helpers/run-node";
import { stalledClock } from "../helpers/test-clocks";

/*
 * The plugin as the engine starts and stops it: the executable with the flags the engine puts
 * before its address (`pulumi up --logflow -v=9`, tracing), and the Cancel the engine sends on Ctrl-C.
 */

const URN = "urn:pulumi:dev::plugin-test::flashback:index:RepoApiKey::reader";
const PLUGIN = join(REPO_ROOT, "bin", "pulumi-resource-flashback");

/* eslint-disable @typescript-eslint/no-explicit-any */
function callOf(client: any) {
  return (method: string, request: unknown): Promise<any> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: unknown, response: unknown) => (error ? reject(error) : resolve(response))),
    );
}
/* eslint-enable @typescript-eslint/no-explicit-any */

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("the plugin executable started behind the engine's flags", () => {
  let plugin: ChildProcess | undefined;
  afterEach(() => {
    plugin?.kill("SIGKILL");
  });

  /** Starts `pulumi-resource-flashback --logtostderr -v=9 --tracing <endpoint> <engine>` and connects to the port it prints. */
  async function startWithFlags(engineAddress: string) {
    plugin = spawn(process.execPath, [PLUGIN, "--logtostderr", "-v=9", "--tracing", "file:///dev/null", engineAddress], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [port] = await (async () => {
      for await (const line of createInterface({ input: plugin.stdout! })) return [line.trim()];
      throw new Error("the plugin printed no port");
    })();
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = callOf(client);
    await call(
      "configure",
      new providerProto.ConfigureRequest().setArgs(toStruct({ accessToken: wrapSecret(TEST_TOKEN), apiUrl: emulator.url })),
    );
    return call;
  }

  it("sends its warnings to the engine's address, not to the first flag", async () => {
    const engine = await startFakeEngine();
    try {
      const call = await startWithFlags(engine.address);
      const existing = emulator.store.create(TEST_REPO, "made-by-hand", "READ");
      await call("read", new providerProto.ReadRequest().setUrn(URN).setId(`${TEST_REPO}/${existing.stored.id}`));
      await expect.poll(() => engine.logged.map((entry) => entry.urn)).toEqual([URN]);
    } finally {
      await engine.stop();
    }
  });

  it("sees the engine gone and deletes the key it can no longer hand over", async () => {
    const engine = await startFakeEngine();
    const call = await startWithFlags(engine.address);
    emulator.faults.add({ fault: { kind: "delay", ms: 500 }, method: "POST" });
    const inputs: Props = { repoId: TEST_REPO, name: "late", accessType: "READ" };
    const creating = call("create", new providerProto.CreateRequest().setUrn(URN).setProperties(toStruct(inputs)));
    await vi.waitFor(() => expect(emulator.requests.some((request) => request.method === "POST")).toBe(true));
    await engine.stop();
    await expect(creating).rejects.toMatchObject({ details: expect.stringMatching(/The Pulumi engine stopped before API key "late"/) });
    expect(keyIdsIn(emulator)).toEqual([]);
  });
});

describe("the engine's Cancel", () => {
  it("ends the plugin's wait on a rate limit at once, and the operation fails saying so", async () => {
    const { clock, waiting } = stalledClock();
    const { port, server } = await servePlugin({ lifecycle: lifecycleFor(emulator, {}, { clock }) });
    const call = callOf(new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
    try {
      const existing = emulator.store.create(TEST_REPO, "reader", "READ");
      const olds = { repoId: TEST_REPO, name: "reader", accessType: "READ", key: existing.stored.key, secret: existing.secret };
      emulator.faults.add({ fault: { kind: "status", status: 429, retryAfter: "10" }, method: "PUT", times: Infinity });
      const updating = call(
        "update",
        new providerProto.UpdateRequest()
          .setUrn(URN)
          .setId(existing.stored.id)
          .setOlds(toStruct(olds))
          .setNews(toStruct({ ...olds, name: "renamed" })),
      ).catch((error: unknown) => error);
      await vi.waitFor(() => expect(waiting()).toBe(1));
      await call("cancel", new emptyProto.Empty());
      expect(await updating).toMatchObject({ details: expect.stringMatching(/The deployment was cancelled/) });
      expect(emulator.requests.filter((request) => request.method === "PUT")).toHaveLength(1);
    } finally {
      server.forceShutdown();
    }
  });
});

describe("a rejection nobody handles outside any Construct", () => {
  it("is logged to the engine as an error, redacted, and the plugin's exit code is 1, as Pulumi's own provider host does", async () => {
    const engine = await startFakeEngine();
    const secret = "outside-secret-5e1f0c";
    // The secret is put together in the child, so that the command line the failure quotes does not hold it.
    const script = `
      const secret = "outside-secret-" + "5e1f0c";
      const { servePlugin } = require("./dist/provider/plugin/serve");
      const { RepoApiKeyLifecycle } = require("./dist/provider/lifecycle/repo-api-key-lifecycle");
      const lifecycle = new RepoApiKeyLifecycle({ env: {} });
      lifecycle.treatAsSecret(secret);
      servePlugin({ engineAddress: ${JSON.stringify(engine.address)}, lifecycle }).then(({ server }) => {
        Promise.reject(new Error("lost near " + secret));
        setTimeout(() => server.forceShutdown(), 500);
      });`;
    try {
      const ended = await runNode(script).then(
        () => ({ failed: false, output: "" }),
        (error: Error) => ({ failed: true, output: error.message }),
      );
      expect(ended.failed).toBe(true);
      expect(ended.output).toContain("the flashback provider failed outside any operation: lost near [redacted]");
      expect(ended.output).not.toContain(secret);
      expect(engine.withSeverity).toEqual([
        { severity: 3, urn: "", message: "the flashback provider failed outside any operation: lost near [redacted]" },
      ]);
    } finally {
      await engine.stop();
    }
  });
});
