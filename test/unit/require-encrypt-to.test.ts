import { describe, expect, it } from "vitest";
import { SettingsError } from "../../provider/errors/settings-error";
import { UNKNOWN_VALUE } from "../../provider/lifecycle/check-inputs";
import { RepoApiKeyLifecycle } from "../../provider/lifecycle/repo-api-key-lifecycle";
import { recipientRequiredBy, resolveSettings, settingsFailures } from "../../provider/settings/resolve-settings";

/*
 * `requireEncryptTo`: a team's way to make sure no key gets a plain secret, from the stack config,
 * an explicit provider's input or the environment. Check refuses a key without a recipient under
 * no property (there is no value to print); the engine's message names the resource.
 */

const plain = { repoId: "repo-1", name: "plain", accessType: "READ" };
const config = (values: Record<string, string>, explicitProvider?: string) => ({
  get: (key: string) => values[key],
  ...(explicitProvider === undefined ? {} : { explicitProvider }),
});

describe("the setting", () => {
  it("is false unless set, and reads true or false in any case from the stack config, else the environment", () => {
    expect(resolveSettings({ env: {} }).requireEncryptTo).toBe(false);
    expect(resolveSettings({ env: { FLASHBACK_REQUIRE_ENCRYPT_TO: "TRUE" } }).requireEncryptTo).toBe(true);
    const sources = { config: config({ "flashback:requireEncryptTo": "false" }), env: { FLASHBACK_REQUIRE_ENCRYPT_TO: "true" } };
    expect(resolveSettings(sources).requireEncryptTo).toBe(false);
    expect(recipientRequiredBy({ config: config({ "flashback:requireEncryptTo": "true" }) })).toBe(
      "stack config flashback:requireEncryptTo",
    );
    expect(recipientRequiredBy({ env: { FLASHBACK_REQUIRE_ENCRYPT_TO: "true" } })).toBe(
      "environment variable FLASHBACK_REQUIRE_ENCRYPT_TO",
    );
  });

  it("refuses any other value, naming the setting and where it was read; CheckConfig reports it under its own name", () => {
    const sources = { env: { FLASHBACK_REQUIRE_ENCRYPT_TO: "yes" } };
    expect(() => resolveSettings(sources)).toThrow(SettingsError);
    expect(() => resolveSettings(sources)).toThrow('environment variable FLASHBACK_REQUIRE_ENCRYPT_TO must be true or false; got "yes"');
    expect(settingsFailures(sources).map(({ name }) => name)).toEqual(["requireEncryptTo"]);
  });
});

describe("Check with requireEncryptTo", () => {
  const lifecycle = (env: NodeJS.ProcessEnv, values?: Record<string, string>, explicitProvider?: string) => {
    const made = new RepoApiKeyLifecycle({ env });
    if (values !== undefined) made.configure(config(values, explicitProvider));
    return made;
  };

  it("refuses a key without encryptTo under no property, naming where sealing was required and what to give", async () => {
    const { failures } = await lifecycle({}, { "flashback:requireEncryptTo": "true" }).checkFully(plain);
    expect(failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(
          /^encryptTo is required: stack config flashback:requireEncryptTo is true, so every key must be sealed; give an age recipient/,
        ),
      },
    ]);
  });

  it("names an explicit provider's input, and the environment, as the place it was required", () => {
    const [byProvider] = lifecycle({}, { "flashback:requireEncryptTo": "true" }, "sealed-only").check(plain).failures;
    expect(byProvider?.reason).toContain('input requireEncryptTo of the provider "sealed-only" is true');
    const [byEnv] = lifecycle({ FLASHBACK_REQUIRE_ENCRYPT_TO: "true" }).check(plain).failures;
    expect(byEnv?.reason).toContain("environment variable FLASHBACK_REQUIRE_ENCRYPT_TO is true");
  });

  it("lets a key with a recipient through, and one not known yet (a preview): it is checked once known", () => {
    const required = lifecycle({ FLASHBACK_REQUIRE_ENCRYPT_TO: "true" });
    expect(required.check({ ...plain, encryptTo: UNKNOWN_VALUE }).failures).toEqual([]);
    expect(required.check({ ...plain, encryptTo: "age1qqqqqqqqqqqqqq" }).failures).toEqual([]);
  });

  it("one failure for a refused recipient, not a second saying it is missing", () => {
    const { failures } = lifecycle({ FLASHBACK_REQUIRE_ENCRYPT_TO: "true" }).check({ ...plain, encryptTo: "AGE-SECRET-KEY-1QQQQ" });
    expect(failures.map((failure) => failure.reason)).toEqual([expect.stringMatching(/^encryptTo holds a private key/)]);
  });

  it("keys may be plain where it is unset or false", () => {
    expect(lifecycle({}).check(plain).failures).toEqual([]);
    expect(lifecycle({ FLASHBACK_REQUIRE_ENCRYPT_TO: "false" }).check(plain).failures).toEqual([]);
  });
});
