import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import {
  fromStruct,
  grpc,
  isSecret,
  providerGrpc,
  providerProto,
  toStruct,
  UNKNOWN,
  wrapSecret,
  type Props,
} from "../../provider/engine/pulumi-protocol";
import { servePlugin } from "../../provider/plugin/serve";
import { GET_REPO_API_KEY_TOKEN, GET_REPO_API_KEYS_TOKEN, REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { stringsIn } from "../helpers/function-results";
import { ABANDONED_AGE_MS, lifecycleFor, plantReservation, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";

/*
 * The plugin's functions (Invoke) and its List, over a real socket, as the engine calls them,
 * against the emulator, which knows every secret it issued.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
let emulator: RunningEmulator;
let client: any;
let stopPlugin: () => Promise<void>;

function call(method: string, request: unknown): Promise<any> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: unknown, response: unknown) => (error ? reject(error) : resolve(response))),
  );
}

async function invoke(tok: string, args: Props): Promise<{ result: Props; failures: Array<{ property: string; reason: string }> }> {
  const response = await call("invoke", new providerProto.InvokeRequest().setTok(tok).setArgs(toStruct(args)));
  return {
    result: fromStruct(response.getReturn()),
    failures: response.getFailuresList().map((failure: any) => ({ property: failure.getProperty(), reason: failure.getReason() })),
  };
}

/** Every message of one List stream, in order. */
function list(query: Props, limit = 0): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const messages: any[] = [];
    const stream = client.list(new providerProto.ListRequest().setToken(REPO_API_KEY_TOKEN).setQuery(toStruct(query)).setLimit(limit));
    stream.on("data", (message: any) => messages.push(message));
    stream.on("error", reject);
    stream.on("end", () => resolve(messages));
  });
}
/* eslint-enable @typescript-eslint/no-explicit-any */

beforeAll(async () => {
  emulator = await startTestEmulator();
  const { port, server } = await servePlugin({ lifecycle: lifecycleFor(emulator, { FLASHBACK_API_URL: "", FLASHBACK_ACCESS_TOKEN: "" }) });
  stopPlugin = () => new Promise((resolve) => server.tryShutdown(() => resolve()));
  client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const args = toStruct({ accessToken: wrapSecret(TEST_TOKEN), apiUrl: emulator.url });
  await call("configure", new providerProto.ConfigureRequest().setArgs(args).setAcceptsecrets(true));
});

afterAll(async () => {
  client?.close();
  await stopPlugin?.();
  await emulator?.close();
});

let secrets: Map<string, string>;

beforeEach(() => {
  emulator.store.clear([TEST_REPO, "repo-other"]);
  emulator.requests.length = 0;
  secrets = new Map(
    ["reader", "writer", "twin", "twin"].map((name, index) => {
      const { stored, secret } = emulator.store.create(TEST_REPO, name, index === 1 ? "WRITE" : "READ");
      return [stored.id, secret];
    }),
  );
});

describe("getRepoApiKeys", () => {
  it("answers every key with its fields and a leftover reservation marked, and no secret of any key", async () => {
    const leftover = plantReservation(emulator, { ageMs: ABANDONED_AGE_MS });
    const { result, failures } = await invoke(GET_REPO_API_KEYS_TOKEN, { repoId: TEST_REPO });
    expect(failures).toEqual([]);
    expect(result.repoId).toBe(TEST_REPO);
    const keys = result.keys as Props[];
    expect(keys).toHaveLength(5);
    for (const key of keys) {
      const stored = emulator.store.get(TEST_REPO, key.id as string);
      expect(key).toEqual({
        repoId: TEST_REPO,
        id: stored?.id,
        name: stored?.name,
        accessType: stored?.accessType,
        key: stored?.key,
        createdAt: expect.any(String),
        isReservation: key.id === leftover,
        reservationState: key.id === leftover ? "abandoned" : "not-a-reservation",
      });
    }
    for (const text of stringsIn(result))
      for (const [id, secret] of secrets) expect(emulator.store.isSecretOf(id, text), secret).toBe(false);
    expect(JSON.stringify(result)).not.toContain(emulator.store.get(TEST_REPO, leftover)?.secretEnvelope.message);
    expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`GET /repo/${TEST_REPO}/apikey`]);
  });

  it("answers a reservation whose create may still claim it as in flight", async () => {
    const young = plantReservation(emulator, { ageMs: 0, lifetimeMs: 600_000 });
    const { result } = await invoke(GET_REPO_API_KEYS_TOKEN, { repoId: TEST_REPO });
    expect((result.keys as Props[]).find((key) => key.id === young)).toMatchObject({ isReservation: true, reservationState: "in-flight" });
  });

  it("fails naming repoId, and the repository, when Flashback answers 404 for it", async () => {
    const { failures } = await invoke(GET_REPO_API_KEYS_TOKEN, { repoId: "repo-gone" });
    expect(failures).toEqual([{ property: "repoId", reason: expect.stringMatching(/404 for repository "repo-gone"/) }]);
  });

  it.each([
    [{}, "repoId", /repoId is required/],
    [{ repoId: "a/b" }, "repoId", /must not contain "\/"/],
    [{ repoId: 7 }, "repoId", /must be a string; got a number/],
    [{ repoId: TEST_REPO, repoID: "x" }, "repoID", /is not an argument: the arguments are repoId/],
  ])("refuses %j naming %s, and sends nothing", async (args, property, reason) => {
    const { failures } = await invoke(GET_REPO_API_KEYS_TOKEN, args);
    expect(failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(emulator.requests).toEqual([]);
  });

  // On the other repository: a value that came in secret is masked in every message from then on.
  it("answers every field secret when an argument came in secret", async () => {
    const { result } = await invoke(GET_REPO_API_KEYS_TOKEN, { repoId: wrapSecret("repo-other") });
    expect(isSecret(result.repoId) && isSecret(result.keys)).toBe(true);
  });
});

describe("getRepoApiKey", () => {
  it("finds one key by its id, and by its name", async () => {
    const writer = [...secrets.keys()][1] as string;
    const byId = await invoke(GET_REPO_API_KEY_TOKEN, { repoId: TEST_REPO, id: writer });
    expect(byId.result).toMatchObject({ id: writer, name: "writer", accessType: "WRITE", isReservation: false });
    const byName = await invoke(GET_REPO_API_KEY_TOKEN, { repoId: TEST_REPO, name: "writer" });
    expect(byName.result).toEqual(byId.result);
    expect(byName.result).not.toHaveProperty("secret");
  });

  it.each([
    [{ repoId: TEST_REPO, name: "nobody" }, "name", /name "nobody" names no API key in repository "repo-test"/],
    [{ repoId: TEST_REPO, id: "0e175506-ce49-44cd-a83d-3ab6b56ff4f5" }, "id", /names no API key/],
    [
      { repoId: TEST_REPO, name: "twin" },
      "name",
      /name "twin" names 2 API keys in repository "repo-test" \(ids .+\): look the key up by its id/,
    ],
    [{ repoId: TEST_REPO, id: "x", name: "reader" }, "id", /id and name are both given/],
    [{ repoId: TEST_REPO }, "id", /id or name is required/],
    [{ repoId: TEST_REPO, name: " " }, "name", /name must not be empty/],
    [{ repoId: "repo-gone", name: "reader" }, "repoId", /404 for repository "repo-gone"/],
  ])("fails for %j naming %s", async (args, property, reason) => {
    const { result, failures } = await invoke(GET_REPO_API_KEY_TOKEN, args);
    expect(failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(result).toEqual({});
  });

  it("fails naming the functions there are for a token it does not have", async () => {
    await expect(invoke("flashback:index:getRepo", { repoId: TEST_REPO })).rejects.toThrow(/no function "flashback:index:getRepo"; it has/);
  });
});

describe("List (pulumi do flashback:index:RepoApiKey list)", () => {
  it("streams each importable key by its import id and name, without leftover reservations, in one page", async () => {
    plantReservation(emulator, { ageMs: ABANDONED_AGE_MS });
    const messages = await list({ repoId: TEST_REPO });
    const results = messages.filter((message) => message.hasResult()).map((message) => message.getResult());
    expect(results.map((result) => [result.getId(), result.getName()]).sort()).toEqual(
      emulator.store
        .list(TEST_REPO)
        .filter((key) => !key.name.startsWith("pulumi-pending-"))
        .map((key) => [`${TEST_REPO}/${key.id}`, key.name])
        .sort(),
    );
    expect(messages.at(-1).getContinuation().getContinuationToken()).toBe("");
  });

  it("honours the limit, answers a repository not known yet as computed, and fails for a repository's 404", async () => {
    expect((await list({ repoId: TEST_REPO }, 2)).filter((message) => message.hasResult())).toHaveLength(2);
    const computed = await list({ repoId: UNKNOWN });
    expect(computed.map((message) => message.hasComputed())).toEqual([true]);
    await expect(list({ repoId: "repo-gone" })).rejects.toThrow(/404 for repository "repo-gone"/);
  });
});
