import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { deploymentScope, newReservationName } from "../../provider/lifecycle/reservation";
import {
  emptyProto,
  engineGrpc,
  fromStruct,
  grpc,
  isSecret,
  providerGrpc,
  providerProto,
  SECRET_SIG,
  statusProto,
  toStruct,
  UNKNOWN,
  wrapSecret,
  type Props,
} from "../../provider/plugin/pulumi-protocol";
import { servePlugin } from "../../provider/plugin/serve";
import { providerFor, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";

/*
 * The `flashback` provider plugin over a real socket, called as the engine calls it: the schema,
 * provider config with secrets, and every resource method, against the emulator.
 */

const URN = "urn:pulumi:dev::plugin-test::flashback:index:RepoApiKey::reader";
const inputs = (overrides: Props = {}): Props => ({ repoId: TEST_REPO, name: "reader", accessType: "READ", ...overrides });

/* eslint-disable @typescript-eslint/no-explicit-any */
let emulator: RunningEmulator;
let client: any;
let stopPlugin: () => Promise<void>;
const warnings: Array<{ message: string; urn: string }> = [];
let stopEngine: () => Promise<void>;

function call(method: string, request: unknown): Promise<any> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: unknown, response: unknown) => (error ? reject(error) : resolve(response))),
  );
}

async function configure(args: Props = { accessToken: wrapSecret(TEST_TOKEN), apiUrl: emulator.url }): Promise<void> {
  await call("configure", new providerProto.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true));
}

async function create(props: Props = inputs()): Promise<{ id: string; properties: Props }> {
  const response = await call("create", new providerProto.CreateRequest().setUrn(URN).setProperties(toStruct(props)));
  return { id: response.getId(), properties: fromStruct(response.getProperties()) };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A stand-in for the engine's Log service and liveness address: records the plugin's warnings. */
async function startEngine(): Promise<string> {
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, {
    log: (call: { request: { getMessage(): string; getUrn(): string } }, callback: (error: null, response: unknown) => void) => {
      warnings.push({ message: call.request.getMessage(), urn: call.request.getUrn() });
      callback(null, new emptyProto.Empty());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  stopEngine = () => new Promise((resolve) => server.tryShutdown(() => resolve()));
  return `127.0.0.1:${port}`;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  const engineAddress = await startEngine();
  // The lifecycle reads no environment here: settings come only through Configure, as in a YAML program.
  const { port, server } = await servePlugin({
    engineAddress,
    lifecycle: providerFor(emulator, { FLASHBACK_API_URL: "", FLASHBACK_ACCESS_TOKEN: "" }),
  });
  stopPlugin = () => new Promise((resolve) => server.tryShutdown(() => resolve()));
  client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  await configure();
});

afterAll(async () => {
  client?.close();
  await stopPlugin?.();
  await stopEngine?.();
  await emulator?.close();
});

beforeEach(() => {
  emulator.store.clear([TEST_REPO, "repo-other"]);
  emulator.requests.length = 0;
  warnings.length = 0;
});

describe("the plugin's schema and config", () => {
  it("serves a schema with the secret config, the resource, its secret outputs and what replaces it", async () => {
    const schema = JSON.parse((await call("getSchema", new providerProto.GetSchemaRequest())).getSchema());
    expect(schema.name).toBe("flashback");
    expect(schema.config.variables.accessToken).toMatchObject({ type: "string", secret: true });
    expect(schema.config.variables.refreshToken.secret).toBe(true);
    expect(schema.config.variables.apiUrl.description).toContain("FLASHBACK_API_URL");
    const resource = schema.resources["flashback:index:RepoApiKey"];
    expect(resource.requiredInputs).toEqual(["repoId", "name", "accessType"]);
    expect(resource.properties.key.secret).toBe(true);
    expect(resource.properties.secret.secret).toBe(true);
    expect(resource.replaceOnChanges).toEqual(["repoId", "rotateWhenChanged"]);
    expect(schema.language.python.packageName).toBe("pulumi_flashback");
  });

  it("checks config as the dynamic resource does, naming the setting and never the value", async () => {
    const response = await call(
      "checkConfig",
      new providerProto.CheckRequest().setNews(
        toStruct({ apiUrl: "http://flashback.example.com", maxRetries: "many", accessToken: "tok-do-not-show" }),
      ),
    );
    const failures = response
      .getFailuresList()
      .map((failure: { getProperty(): string; getReason(): string }) => [failure.getProperty(), failure.getReason()]);
    expect(failures).toEqual([
      ["apiUrl", expect.stringMatching(/stack config flashback:apiUrl uses http:\/\/ for a host that is not a loopback address/)],
      ["maxRetries", expect.stringMatching(/must be a whole number of at least 0; got "many"/)],
    ]);
    expect(JSON.stringify(failures)).not.toContain("tok-do-not-show");
  });

  it("fails a create with the setting's name when configured without a token", async () => {
    await configure({ apiUrl: emulator.url });
    try {
      await expect(create()).rejects.toMatchObject({
        details: expect.stringMatching(/No Flashback access token: set it with `pulumi config set --secret flashback:accessToken/),
      });
      expect(emulator.requests).toEqual([]);
    } finally {
      await configure();
    }
  });

  it("reads stack config (flashback:* variables) when the provider has no explicit inputs", async () => {
    const request = new providerProto.ConfigureRequest();
    request.getVariablesMap().set("flashback:apiUrl", emulator.url).set("flashback:accessToken", TEST_TOKEN);
    await call("configure", request);
    const created = await create();
    expect(emulator.store.get(TEST_REPO, created.id)?.name).toBe("reader");
    await configure();
  });
});

describe("the plugin's resource methods", () => {
  it("check names bad and unknown-typed inputs, and keeps a secret input secret", async () => {
    const bad = await call(
      "check",
      new providerProto.CheckRequest().setUrn(URN).setNews(toStruct({ repoId: "", name: "x", accessType: "OWNER" })),
    );
    expect(bad.getFailuresList().map((failure: { getProperty(): string }) => failure.getProperty())).toEqual(["repoId", "accessType"]);
    const good = await call(
      "check",
      new providerProto.CheckRequest().setUrn(URN).setNews(toStruct(inputs({ name: wrapSecret("hidden-name") }))),
    );
    expect(good.getFailuresList()).toEqual([]);
    expect(isSecret(fromStruct(good.getInputs()).name)).toBe(true);
  });

  it("diff: a new name or access type updates in place; a new repoId or rotation trigger replaces", async () => {
    const olds = { ...inputs(), key: wrapSecret("k"), secret: wrapSecret("s") };
    const diff = async (news: Props) =>
      call("diff", new providerProto.DiffRequest().setUrn(URN).setId("id").setOlds(toStruct(olds)).setNews(toStruct(news)));
    const rename = await diff(inputs({ name: "renamed" }));
    expect(rename.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(rename.getReplacesList()).toEqual([]);
    expect(rename.getDetaileddiffMap().get("name").getKind()).toBe(providerProto.PropertyDiff.Kind.UPDATE);
    const move = await diff(inputs({ repoId: "repo-other" }));
    expect(move.getReplacesList()).toEqual(["repoId"]);
    expect(move.getDeletebeforereplace()).toBe(false);
    expect(move.getDetaileddiffMap().get("repoId").getKind()).toBe(providerProto.PropertyDiff.Kind.UPDATE_REPLACE);
    expect((await diff(inputs({ rotateWhenChanged: "2027-01" }))).getReplacesList()).toEqual(["rotateWhenChanged"]);
    expect((await diff(inputs())).getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_NONE);
  });

  it("create makes the key once, sweeping what an interrupted run of the URN's stack left, and returns key and secret as secrets", async () => {
    // A repository this process has not written to yet: its sweep is still to come.
    const leftover = emulator.store.create(
      "repo-other",
      newReservationName(deploymentScope({ organization: "", project: "plugin-test", stack: "dev" })),
      "READ",
    );
    const created = await create(inputs({ repoId: "repo-other" }));
    expect(emulator.store.get("repo-other", created.id)?.name).toBe("reader");
    expect(emulator.store.get("repo-other", leftover.stored.id)).toBeUndefined();
    expect(created.properties).toMatchObject({ repoId: "repo-other", name: "reader", accessType: "READ" });
    expect(isSecret(created.properties.key)).toBe(true);
    expect(isSecret(created.properties.secret)).toBe(true);
    expect(emulator.store.isSecretOf(created.id, (created.properties.secret as { value: string }).value)).toBe(true);
  });

  it("create in a preview sends nothing and leaves key and secret unknown", async () => {
    const response = await call("create", new providerProto.CreateRequest().setUrn(URN).setProperties(toStruct(inputs())).setPreview(true));
    expect(fromStruct(response.getProperties())).toMatchObject({ key: UNKNOWN, secret: UNKNOWN });
    expect(emulator.requests).toEqual([]);
  });

  it("read with state refreshes: drift comes back, a deleted key gets an empty id", async () => {
    const [kept, gone] = [await create(), await create(inputs({ name: "gone" }))];
    emulator.store.update(TEST_REPO, kept.id, { name: "edited", accessType: "ADMIN" });
    emulator.store.delete(TEST_REPO, gone.id);
    const read = (key: { id: string; properties: Props }) =>
      call("read", new providerProto.ReadRequest().setUrn(URN).setId(key.id).setProperties(toStruct(key.properties)));
    const drifted = await read(kept);
    expect(fromStruct(drifted.getProperties())).toMatchObject({
      name: "edited",
      accessType: "ADMIN",
      secret: { [SECRET_SIG]: expect.any(String) },
    });
    expect(fromStruct(drifted.getInputs())).toEqual({ repoId: TEST_REPO, name: "edited", accessType: "ADMIN" });
    expect((await read(gone)).getId()).toBe("");
  });

  it("read with only an id imports the key: inputs from Flashback's list, no secret, a warning through the engine", async () => {
    const existing = emulator.store.create(TEST_REPO, "made-by-hand", "WRITE");
    const response = await call("read", new providerProto.ReadRequest().setUrn(URN).setId(`${TEST_REPO}/${existing.stored.id}`));
    expect(response.getId()).toBe(existing.stored.id);
    expect(fromStruct(response.getInputs())).toEqual({ repoId: TEST_REPO, name: "made-by-hand", accessType: "WRITE" });
    const properties = fromStruct(response.getProperties());
    expect(properties).toMatchObject({ key: wrapSecret(existing.stored.key), secret: wrapSecret("") });
    await expect.poll(() => warnings).toEqual([{ urn: URN, message: expect.stringMatching(/imported without its secret.*rotate it/) }]);
    // The imported key is kept as it is: no replacement for want of a secret.
    const diff = await call(
      "diff",
      new providerProto.DiffRequest().setUrn(URN).setId(existing.stored.id).setOlds(response.getProperties()).setNews(response.getInputs()),
    );
    expect(diff.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_NONE);
  });

  it("an import id of the wrong form, or of an unknown key, is a clear error", async () => {
    const importing = (id: string) => call("read", new providerProto.ReadRequest().setUrn(URN).setId(id));
    await expect(importing("no-slash")).rejects.toMatchObject({
      details: expect.stringMatching(/import id "no-slash" must be <repoId>\/<keyId>/),
    });
    await expect(importing(`${TEST_REPO}/missing`)).rejects.toMatchObject({
      details: expect.stringMatching(/no API key "missing" in repository "repo-test"/),
    });
    await expect(importing("repo-nowhere/k")).rejects.toMatchObject({ details: expect.stringMatching(/no repository "repo-nowhere"/) });
  });

  it("update renames in place, key and secret unchanged; delete revokes", async () => {
    const created = await create();
    const updated = await call(
      "update",
      new providerProto.UpdateRequest()
        .setUrn(URN)
        .setId(created.id)
        .setOlds(toStruct(created.properties))
        .setNews(toStruct(inputs({ name: "renamed" }))),
    );
    expect(fromStruct(updated.getProperties())).toMatchObject({ name: "renamed", secret: created.properties.secret });
    expect(emulator.store.get(TEST_REPO, created.id)?.name).toBe("renamed");
    await call("delete", new providerProto.DeleteRequest().setUrn(URN).setId(created.id).setProperties(updated.getProperties()));
    expect(emulator.store.list(TEST_REPO)).toEqual([]);
  });

  it("a key that can be neither used nor deleted comes back as a partial resource for the engine to record", async () => {
    emulator.faults.add({ fault: { kind: "missing-fields" }, method: "POST" });
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "DELETE" });
    const error = (await create().catch((caught: unknown) => caught)) as { details: string; metadata: InstanceType<typeof grpc.Metadata> };
    expect(error.details).toMatch(/deleting that unusable key failed too/);
    const [detailsBin] = error.metadata.get("grpc-status-details-bin");
    const status = statusProto.Status.deserializeBinary(detailsBin);
    const detail = providerProto.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue());
    expect(detail.getId()).toBe(emulator.store.list(TEST_REPO)[0]?.id);
  });

  it("a lost create answer leaves no orphan and no duplicate, as with the dynamic resource", async () => {
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST" });
    const created = await create();
    expect(emulator.store.list(TEST_REPO).map((key) => [key.id, key.name])).toEqual([[created.id, "reader"]]);
  });

  it("nothing it answers holds the token", async () => {
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "POST" });
    const error = (await create().catch((caught: unknown) => caught)) as { details: string };
    expect(error.details).toMatch(/answered 403/);
    expect(JSON.stringify(error)).not.toContain(TEST_TOKEN);
  });
});
