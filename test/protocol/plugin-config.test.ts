import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator";
import { providerProto, toStruct, UNKNOWN, wrapSecret, type Props } from "../../provider/engine/pulumi-protocol";
import { REPO_API_KEY_TOKEN } from "../../provider/definitions/tokens";
import { lifecycleFor, startTestEmulator, TEST_REPO, TEST_TOKEN } from "../helpers/emulator-provider";
import { startPluginClient, type PluginClient } from "../helpers/plugin-client";

/*
 * A provider's settings as the engine sends them (sdk/go/common/resource/plugin/provider_plugin.go,
 * pkg/resource/deploy/providers/registry.go at the pinned version):
 * - CheckConfig gets the provider resource's inputs with unknowns allowed: an input that comes from
 *   another resource's output is, in a preview, the engine's placeholder of its type;
 * - Configure is then not called at all while any input is unknown (the engine skips the provider's
 *   resources instead); once known, it gets them as `args`, secrets wrapped, and as `variables`
 *   keyed `flashback:config:<name>`;
 * - a default provider is one whose name starts with `default` (IsDefaultProvider); its inputs are
 *   the stack config. An explicit one's are what the program gave it.
 */

const EXPLICIT = "urn:pulumi:dev::plugin-config::pulumi:providers:flashback::eu";
const KEY_URN = `urn:pulumi:dev::plugin-config::${REPO_API_KEY_TOKEN}::reader`;
/** The engine's placeholder for an unknown number (sdk/go/common/resource/sig): a setting typed number may come as it. */
const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";

let emulator: RunningEmulator;
/** An emulator the environment points at, which the provider must not use when an input names another. */
let elsewhere: RunningEmulator;
let plugin: PluginClient;

type Failure = { getProperty(): string; getReason(): string };

async function checkConfig(urn: string, news: Props): Promise<{ failures: Array<[string, string]>; inputs: Props }> {
  const response = await plugin.call("checkConfig", new providerProto.CheckRequest().setUrn(urn).setNews(toStruct(news)));
  return {
    failures: response.getFailuresList().map((failure: Failure) => [failure.getProperty(), failure.getReason()]),
    inputs: response.getInputs().toJavaScript(),
  };
}

function configure(urn: string, args: Props): Promise<unknown> {
  const request = new providerProto.ConfigureRequest().setUrn(urn).setArgs(toStruct(args)).setAcceptsecrets(true);
  return plugin.call("configure", request);
}

function createKey(): Promise<{ getId(): string }> {
  return plugin.call(
    "create",
    new providerProto.CreateRequest().setUrn(KEY_URN).setProperties(toStruct({ repoId: TEST_REPO, name: "reader", accessType: "READ" })),
  );
}

beforeAll(async () => {
  [emulator, elsewhere] = await Promise.all([startTestEmulator(), startTestEmulator()]);
  plugin = await startPluginClient({ lifecycle: lifecycleFor(elsewhere, { FLASHBACK_ACCESS_TOKEN: "" }) });
});

afterAll(async () => {
  await plugin?.stop();
  await Promise.all([emulator?.close(), elsewhere?.close()]);
});

beforeEach(() => {
  for (const each of [emulator, elsewhere]) {
    each.store.clear([TEST_REPO]);
    each.requests.length = 0;
  }
});

describe("an explicit provider whose inputs come from another resource's output", () => {
  it("passes CheckConfig in the preview, unknowns echoed; in the update its known inputs are checked, configured and used", async () => {
    const preview = await checkConfig(EXPLICIT, { apiUrl: UNKNOWN, requestTimeout: UNKNOWN_NUMBER, accessToken: UNKNOWN, maxRetries: "2" });
    expect(preview).toEqual({
      failures: [],
      inputs: { apiUrl: UNKNOWN, requestTimeout: UNKNOWN_NUMBER, accessToken: UNKNOWN, maxRetries: "2" },
    });
    // The update: the same inputs, known now.
    const known = { apiUrl: emulator.url, requestTimeout: 5, accessToken: TEST_TOKEN, maxRetries: "2" };
    expect((await checkConfig(EXPLICIT, known)).failures).toEqual([]);
    await configure(EXPLICIT, { ...known, accessToken: wrapSecret(TEST_TOKEN) });
    const created = await createKey();
    expect(emulator.store.get(TEST_REPO, created.getId())?.name).toBe("reader");
    expect(elsewhere.requests).toEqual([]);
  });

  it("still has its known inputs checked in the preview", async () => {
    const { failures } = await checkConfig(EXPLICIT, { apiUrl: UNKNOWN, maxRetries: "many" });
    expect(failures).toEqual([["maxRetries", 'input maxRetries of the provider "eu" must be a whole number of at least 0; got "many"']]);
  });

  it("is refused by Configure while a setting is unknown, which the engine never asks, rather than read elsewhere", async () => {
    await expect(configure(EXPLICIT, { apiUrl: UNKNOWN, accessToken: wrapSecret(TEST_TOKEN) })).rejects.toMatchObject({
      details: expect.stringMatching(/^input apiUrl of the provider "eu" is not known yet/),
    });
  });
});

describe("each bad setting named with its source, never its value", () => {
  it.each([
    { provider: "an explicit provider", urn: EXPLICIT, source: 'input apiUrl of the provider "eu"' },
    {
      provider: "an explicit provider under a parent",
      urn: `urn:pulumi:dev::p::my:index:Team$pulumi:providers:flashback::eu`,
      source: 'input apiUrl of the provider "eu"',
    },
    {
      provider: "the default provider",
      urn: "urn:pulumi:dev::p::pulumi:providers:flashback::default",
      source: "stack config flashback:apiUrl",
    },
    {
      provider: "a versioned default provider",
      urn: "urn:pulumi:dev::p::pulumi:providers:flashback::default_0_1_0",
      source: "stack config flashback:apiUrl",
    },
  ])("CheckConfig of $provider: $source", async ({ urn, source }) => {
    const { failures } = await checkConfig(urn, { apiUrl: "http://flashback.example.com", accessToken: "tok-do-not-show" });
    expect(failures).toEqual([
      ["apiUrl", expect.stringMatching(new RegExp(`^${source} uses http:// for a host that is not a loopback address`))],
    ]);
    expect(JSON.stringify(failures)).not.toContain("tok-do-not-show");
  });

  it("at first use after Configure: an explicit provider's input, or the environment where the input is not given", async () => {
    try {
      await configure(EXPLICIT, { apiUrl: "ftp://127.0.0.1/", accessToken: wrapSecret(TEST_TOKEN) });
      await expect(createKey()).rejects.toMatchObject({
        details: expect.stringMatching(/^input apiUrl of the provider "eu" must be an https:\/\/ URL; got the scheme "ftp:"/),
      });
      const fromEnvironment = await startPluginClient({ lifecycle: lifecycleFor(elsewhere, { FLASHBACK_API_URL: "not a url" }) });
      try {
        await fromEnvironment.call("configure", new providerProto.ConfigureRequest().setUrn(EXPLICIT).setArgs(toStruct({})));
        await expect(
          fromEnvironment.call(
            "create",
            new providerProto.CreateRequest().setUrn(KEY_URN).setProperties(toStruct({ repoId: TEST_REPO, name: "r", accessType: "READ" })),
          ),
        ).rejects.toMatchObject({ details: expect.stringMatching(/^environment variable FLASHBACK_API_URL is not a valid URL/) });
      } finally {
        await fromEnvironment.stop();
      }
      expect([...emulator.requests, ...elsewhere.requests]).toEqual([]);
    } finally {
      await configure(EXPLICIT, { apiUrl: emulator.url, accessToken: wrapSecret(TEST_TOKEN) });
    }
  });

  it("an explicit provider without a token is told to give it the input, not a stack config key it never reads", async () => {
    await configure(EXPLICIT, { apiUrl: emulator.url });
    try {
      await expect(createKey()).rejects.toMatchObject({
        details: expect.stringMatching(
          /^No Flashback access token: give the provider "eu" the input accessToken or the environment variable FLASHBACK_ACCESS_TOKEN/,
        ),
      });
    } finally {
      await configure(EXPLICIT, { apiUrl: emulator.url, accessToken: wrapSecret(TEST_TOKEN) });
    }
  });

  it("Configure with only variables, keyed as the engine keys them, reads them as stack config", async () => {
    const request = new providerProto.ConfigureRequest().setUrn("urn:pulumi:dev::p::pulumi:providers:flashback::default");
    request.getVariablesMap().set("flashback:config:apiUrl", emulator.url).set("flashback:config:accessToken", TEST_TOKEN);
    await plugin.call("configure", request);
    const created = await createKey();
    expect(emulator.store.get(TEST_REPO, created.getId())?.name).toBe("reader");
  });
});
