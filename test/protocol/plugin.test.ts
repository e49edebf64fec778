import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import {
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
} from "../../provider/engine/pulumi-protocol";
import { servePlugin } from "../../provider/plugin/serve";
import { ABANDONED_AGE_MS, plantReservation, lifecycleFor, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { startFakeEngine } from "../helpers/fake-engine";

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
let engine: Awaited<ReturnType<typeof startFakeEngine>>;

function call(method: string, request: unknown): Promise<any> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: unknown, response: unknown) => (error ? reject(error) : resolve(response))),
  );
}

async function configure(args: Props = { accessToken: wrapSecret(TEST_TOKEN), apiUrl: emulator.url }): Promise<void> {
  await call("configure", new providerProto.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true));
}

/** An update of a key `create` made, to the given inputs. */
function update(created: { id: string; properties: Props }, news: Props): Promise<any> {
  return call(
    "update",
    new providerProto.UpdateRequest().setUrn(URN).setId(created.id).setOlds(toStruct(created.properties)).setNews(toStruct(news)),
  );
}

async function create(props: Props = inputs()): Promise<{ id: string; properties: Props }> {
  const response = await call("create", new providerProto.CreateRequest().setUrn(URN).setProperties(toStruct(props)));
  return { id: response.getId(), properties: fromStruct(response.getProperties()) };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

beforeAll(async () => {
  emulator = await startTestEmulator();
  engine = await startFakeEngine();
  // The lifecycle reads no environment here: settings come only through Configure, as in a YAML program.
  const { port, server } = await servePlugin({
    engineAddress: engine.address,
    lifecycle: lifecycleFor(emulator, { FLASHBACK_API_URL: "", FLASHBACK_ACCESS_TOKEN: "" }),
  });
  stopPlugin = () => new Promise((resolve) => server.tryShutdown(() => resolve()));
  client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  await configure();
});

afterAll(async () => {
  client?.close();
  await stopPlugin?.();
  await engine?.stop();
  await emulator?.close();
});

beforeEach(() => {
  emulator.store.clear([TEST_REPO, "repo-other"]);
  emulator.requests.length = 0;
  engine.logged.length = 0;
});

describe("the plugin's schema and config", () => {
  it("serves a schema with the secret config, the resource, its secret outputs and, on each property, whether it replaces", async () => {
    const schema = JSON.parse((await call("getSchema", new providerProto.GetSchemaRequest())).getSchema());
    expect(schema.name).toBe("flashback");
    expect(schema.config.variables.accessToken).toMatchObject({ type: "string", secret: true });
    expect(schema.config.variables.refreshToken.secret).toBe(true);
    expect(schema.config.variables.apiUrl.description).toContain("FLASHBACK_API_URL");
    const resource = schema.resources["flashback:index:RepoApiKey"];
    expect(resource.requiredInputs).toEqual(["repoId", "name", "accessType"]);
    expect(resource.properties.key.secret).toBe(true);
    expect(resource.properties.secret.secret).toBe(true);
    // On the properties, where Pulumi reads it (plugin-schema.test.ts holds it against the metaschema and the Diff).
    expect(resource.replaceOnChanges).toBeUndefined();
    expect(resource.inputProperties.repoId.willReplaceOnChanges).toBe(true);
    expect(resource.inputProperties.name.willReplaceOnChanges).toBeUndefined();
    expect(resource.properties.importedWithoutSecret.type).toBe("boolean");
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

  it("create makes the key once, sweeping what an interrupted create left, and returns key and secret as secrets", async () => {
    // A repository this process has not written to yet: its sweep is still to come.
    const leftover = plantReservation(emulator, { repoId: "repo-other", ageMs: ABANDONED_AGE_MS });
    const created = await create(inputs({ repoId: "repo-other" }));
    expect(emulator.store.get("repo-other", created.id)?.name).toBe("reader");
    expect(emulator.store.get("repo-other", leftover)).toBeUndefined();
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

  it("a repository that answers 404: read fails naming it; once goneRepositories confirms it, the key leaves the state with a warning through the engine", async () => {
    const key = await create(inputs({ repoId: "repo-other" }));
    const read = () => call("read", new providerProto.ReadRequest().setUrn(URN).setId(key.id).setProperties(toStruct(key.properties)));
    emulator.refuseRepo("repo-other", 404);
    try {
      await expect(read()).rejects.toMatchObject({
        details: expect.stringMatching(/answers 404 for repository "repo-other" while refreshing/),
      });
      await configure({ accessToken: wrapSecret(TEST_TOKEN), apiUrl: emulator.url, goneRepositories: "repo-other" });
      expect((await read()).getId()).toBe("");
      await expect
        .poll(() => engine.logged)
        .toEqual([{ urn: "", message: expect.stringMatching(/^Repository "repo-other" answers 404 .* its keys leave the state/) }]);
    } finally {
      emulator.refuseRepo("repo-other", undefined);
      await configure();
    }
  });

  it("read with only an id imports the key: inputs from Flashback's list, no secret, a warning through the engine", async () => {
    const existing = emulator.store.create(TEST_REPO, "made-by-hand", "WRITE");
    const response = await call("read", new providerProto.ReadRequest().setUrn(URN).setId(`${TEST_REPO}/${existing.stored.id}`));
    expect(response.getId()).toBe(existing.stored.id);
    expect(fromStruct(response.getInputs())).toEqual({ repoId: TEST_REPO, name: "made-by-hand", accessType: "WRITE" });
    const properties = fromStruct(response.getProperties());
    expect(properties).toMatchObject({ key: wrapSecret(existing.stored.key), secret: wrapSecret("") });
    await expect
      .poll(() => engine.logged)
      .toEqual([{ urn: URN, message: expect.stringMatching(/imported without its secret.*rotate it/) }]);
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
    await expect(importing("repo-nowhere/k")).rejects.toMatchObject({
      details: expect.stringMatching(/answers 404 for repository "repo-nowhere": it does not exist, or this token cannot see it/),
    });
  });

  it("update renames in place, key and secret unchanged; delete revokes", async () => {
    const created = await create();
    const updated = await update(created, inputs({ name: "renamed" }));
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

describe("a key whose parent is another resource (a URN with a type chain)", () => {
  const CHILD_URN = "urn:pulumi:dev::plugin-test::my:index:Team$flashback:index:RepoApiKey$flashback:index:RepoApiKey::team-reader";

  it("is served by every method: check, diff, create, read, update, delete", async () => {
    const checked = await call("check", new providerProto.CheckRequest().setUrn(CHILD_URN).setNews(toStruct(inputs())));
    expect(checked.getFailuresList()).toEqual([]);
    const created = await call("create", new providerProto.CreateRequest().setUrn(CHILD_URN).setProperties(checked.getInputs()));
    const id = created.getId();
    expect(emulator.store.get(TEST_REPO, id)?.name).toBe("reader");
    const renaming = <T extends { setUrn(urn: string): T; setId(id: string): T; setOlds(olds: unknown): T; setNews(news: unknown): T }>(
      request: T,
    ): T =>
      request
        .setUrn(CHILD_URN)
        .setId(id)
        .setOlds(created.getProperties())
        .setNews(toStruct(inputs({ name: "r2" })));
    const diff = await call("diff", renaming(new providerProto.DiffRequest()));
    expect(diff.getDiffsList()).toEqual(["name"]);
    const updated = await call("update", renaming(new providerProto.UpdateRequest()));
    const read = await call("read", new providerProto.ReadRequest().setUrn(CHILD_URN).setId(id).setProperties(updated.getProperties()));
    expect(fromStruct(read.getInputs())).toEqual(inputs({ name: "r2" }));
    await call("delete", new providerProto.DeleteRequest().setUrn(CHILD_URN).setId(id).setProperties(read.getProperties()));
    expect(emulator.store.list(TEST_REPO)).toEqual([]);
  });

  it("is told apart from a child of another package's type", async () => {
    const foreign = "urn:pulumi:dev::plugin-test::flashback:index:RepoApiKey$aws:s3:Bucket::bucket";
    await expect(call("check", new providerProto.CheckRequest().setUrn(foreign).setNews(toStruct(inputs())))).rejects.toMatchObject({
      details: 'the flashback provider has no resource type "aws:s3:Bucket"',
    });
  });
});

describe("inputs given as secrets stay secret in every answer", () => {
  const SECRET_NAME = "team-payroll-reader-7f3a";
  const SECRET_TRIGGER = "rotation-2027-q1-9b1c";
  const secretInputs = () => inputs({ name: wrapSecret(SECRET_NAME), rotateWhenChanged: wrapSecret(SECRET_TRIGGER) });
  const plainOf = (props: Props) => JSON.stringify(Object.values(props).filter((value) => !isSecret(value)));

  it("create (preview and real), update and read wrap name and rotateWhenChanged as they came", async () => {
    const preview = await call(
      "create",
      new providerProto.CreateRequest().setUrn(URN).setProperties(toStruct(secretInputs())).setPreview(true),
    );
    expect(plainOf(fromStruct(preview.getProperties()))).not.toContain(SECRET_NAME);
    const created = await create(secretInputs());
    expect(created.properties).toMatchObject({ name: wrapSecret(SECRET_NAME), rotateWhenChanged: wrapSecret(SECRET_TRIGGER) });
    expect(emulator.store.get(TEST_REPO, created.id)?.name).toBe(SECRET_NAME);

    const renamed = `${SECRET_NAME}-2`;
    const updated = await update(created, { ...secretInputs(), name: wrapSecret(renamed) });
    const afterUpdate = fromStruct(updated.getProperties());
    expect(afterUpdate).toMatchObject({ name: wrapSecret(renamed), rotateWhenChanged: wrapSecret(SECRET_TRIGGER) });

    const read = await call("read", new providerProto.ReadRequest().setUrn(URN).setId(created.id).setProperties(updated.getProperties()));
    for (const props of [fromStruct(read.getProperties()), fromStruct(read.getInputs())]) {
      expect(props).toMatchObject({ name: wrapSecret(renamed), rotateWhenChanged: wrapSecret(SECRET_TRIGGER) });
    }
  });

  it("read keeps a field secret that only the stored inputs marked so", async () => {
    const created = await create(inputs({ name: SECRET_NAME }));
    const read = await call(
      "read",
      new providerProto.ReadRequest()
        .setUrn(URN)
        .setId(created.id)
        .setProperties(toStruct(created.properties))
        .setInputs(toStruct(inputs({ name: wrapSecret(SECRET_NAME) }))),
    );
    expect(fromStruct(read.getProperties()).name).toEqual(wrapSecret(SECRET_NAME));
    expect(fromStruct(read.getInputs()).name).toEqual(wrapSecret(SECRET_NAME));
  });

  it("diff asks for an update when a stored plain value comes back secret (an imported key in a program that hides its name)", async () => {
    const olds = toStruct({ ...inputs({ name: SECRET_NAME }), key: wrapSecret("k"), secret: wrapSecret("s") });
    const diff = await call(
      "diff",
      new providerProto.DiffRequest()
        .setUrn(URN)
        .setId("id")
        .setOlds(olds)
        .setNews(toStruct(inputs({ name: wrapSecret(SECRET_NAME) }))),
    );
    expect(diff.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(diff.getDiffsList()).toEqual(["name"]);
    expect(diff.getReplacesList()).toEqual([]);
  });

  it("no message names a secret input, and a partial resource keeps it secret", async () => {
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "POST" });
    const refused = (await create(secretInputs()).catch((caught: unknown) => caught)) as { details: string };
    expect(refused.details).toMatch(/answered 403/);
    expect(refused.details).not.toContain(SECRET_NAME);

    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "PUT" });
    emulator.faults.add({ fault: { kind: "status", status: 403 }, method: "DELETE" });
    const partial = (await create(secretInputs()).catch((caught: unknown) => caught)) as {
      details: string;
      metadata: InstanceType<typeof grpc.Metadata>;
    };
    expect(partial.details).toMatch(/naming it "\[redacted\]" failed/);
    const [detailsBin] = partial.metadata.get("grpc-status-details-bin");
    const detail = providerProto.ErrorResourceInitFailed.deserializeBinary(
      statusProto.Status.deserializeBinary(detailsBin).getDetailsList()[0].getValue(),
    );
    expect(fromStruct(detail.getProperties()).name).toEqual(wrapSecret(SECRET_NAME));
    expect(JSON.stringify(fromStruct(detail.getProperties()))).not.toMatch(new RegExp(`"name":"${SECRET_NAME}"`));
  });
});
