import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { FlashbackApiError } from "../../provider/errors/flashback-api-error";
import { MAX_VENDOR_TEXT, REDACTED, redactText, redactVendorText, SecretRegistry } from "../../provider/errors/redact";
import { isFlashbackApiError, isFlashbackError, isSettingsError } from "../../provider/errors/type-guards";
import { SettingsError } from "../../provider/errors/settings-error";

describe("redaction", () => {
  it("masks every occurrence of every secret, the longer one first", () => {
    expect(redactText("a tok-123456 b tok-1234567890 c", ["tok-123456", "tok-1234567890"])).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it("leaves very short values alone: they are no secret and would mangle words", () => {
    expect(redactText("the cat", ["the", undefined])).toBe("the cat");
  });

  it("cuts long vendor text", () => {
    expect(redactVendorText("x".repeat(1000), []).length).toBe(MAX_VENDOR_TEXT + 1);
  });

  it("a registry masks what it was given", () => {
    const secrets = new SecretRegistry();
    secrets.add("secret-value-1", undefined);
    expect(secrets.redact("echo secret-value-1")).toBe(`echo ${REDACTED}`);
  });
});

describe("FlashbackApiError", () => {
  const error = new FlashbackApiError({
    operation: "delete API key",
    method: "DELETE",
    pathTemplate: "/repo/{repoId}/apikey/{apikeyId}",
    repoId: "repo-1",
    keyId: "key-1",
    status: 500,
    statusText: "Internal Server Error",
    errorCode: "INTERNAL_ERROR",
    vendorMessage: "database down",
  });

  it("says what failed in one line", () => {
    expect(error.message).toBe(
      'Flashback delete API key (repository "repo-1", key "key-1") failed: DELETE /repo/{repoId}/apikey/{apikeyId} answered 500 Internal Server Error: INTERNAL_ERROR "database down"',
    );
  });

  it("prints and serializes only its allow-listed fields", () => {
    const attached = Object.assign(error, { options: { headers: { authorization: "Bearer tok-leaked-if-printed" } } });
    expect(JSON.stringify(attached)).not.toContain("tok-leaked-if-printed");
    expect(inspect(attached, { depth: 10 })).not.toContain("tok-leaked-if-printed");
    expect(JSON.parse(JSON.stringify(attached))).toMatchObject({ name: "FlashbackApiError", code: "FLASHBACK_API_ERROR", status: 500 });
  });

  it("is recognised by name across copies of the package", () => {
    const foreign = Object.assign(new Error("x"), { name: "FlashbackApiError", code: "FLASHBACK_API_ERROR" });
    expect(isFlashbackApiError(foreign)).toBe(true);
    expect(isFlashbackError(new SettingsError("m", "flashback:apiUrl"))).toBe(true);
    expect(isSettingsError(error)).toBe(false);
    expect(isFlashbackError(new Error("plain"))).toBe(false);
  });
});
