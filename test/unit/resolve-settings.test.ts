import { describe, expect, it } from "vitest";
import { requireCredentials, resolveSettings } from "../../provider/settings/resolve-settings";
import { DEFAULT_API_URL } from "../../provider/settings/settings-keys";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("resolveSettings", () => {
  it("uses the documented defaults when nothing is set", () => {
    const settings = resolveSettings({ env: {} });
    expect(settings.apiUrl).toBe(`${DEFAULT_API_URL}/`);
    expect(settings.accessToken).toBeUndefined();
    expect(settings.maxRetries).toBe(6);
  });

  it("prefers stack config over the environment", () => {
    const settings = resolveSettings({
      config: config({ "flashback:apiUrl": "https://config.example/api", "flashback:accessToken": "from-config" }),
      env: { FLASHBACK_API_URL: "https://env.example", FLASHBACK_ACCESS_TOKEN: "from-env" },
    });
    expect(settings.apiUrl).toBe("https://config.example/api/");
    expect(settings.accessToken).toBe("from-config");
  });

  it("falls back to the environment when the stack config is empty", () => {
    const settings = resolveSettings({
      config: config({ "flashback:accessToken": "" }),
      env: { FLASHBACK_ACCESS_TOKEN: "from-env", FLASHBACK_MAX_RETRIES: "2" },
    });
    expect(settings.accessToken).toBe("from-env");
    expect(settings.maxRetries).toBe(2);
  });

  it("reads timeouts in seconds", () => {
    const settings = resolveSettings({ env: { FLASHBACK_REQUEST_TIMEOUT: "2.5", FLASHBACK_OPERATION_TIMEOUT: "60" } });
    expect(settings.requestTimeoutMs).toBe(2500);
    expect(settings.operationTimeoutMs).toBe(60_000);
  });

  it.each([
    { name: "a malformed URL", url: "not a url", message: "environment variable FLASHBACK_API_URL is not a valid URL" },
    { name: "another scheme", url: "ftp://backend.example", message: 'must be an https:// URL; got the scheme "ftp:"' },
    { name: "http to a remote host", url: "http://backend.example", message: "not a loopback address" },
    { name: "credentials in the URL", url: "https://user:pw@backend.example", message: "must not hold credentials" },
  ])("refuses $name as apiUrl, naming the setting but not the value", ({ url, message }) => {
    expect(() => resolveSettings({ env: { FLASHBACK_API_URL: url } })).toThrow(message);
    try {
      resolveSettings({ env: { FLASHBACK_API_URL: url } });
    } catch (error) {
      expect((error as Error & { setting: string }).setting).toBe("flashback:apiUrl");
      if (url.includes("pw@")) expect((error as Error).message).not.toContain("pw");
    }
  });

  it.each(["http://127.0.0.1:8080", "http://localhost:3000", "http://[::1]:9000"])("allows http:// to the loopback address %s", (url) => {
    expect(resolveSettings({ env: { FLASHBACK_API_URL: url } }).apiUrl.startsWith("http://")).toBe(true);
  });

  it.each([
    { variable: "FLASHBACK_MAX_RETRIES", value: "-1", message: "whole number of at least 0" },
    { variable: "FLASHBACK_MAX_CONCURRENCY", value: "0", message: "whole number of at least 1" },
    { variable: "FLASHBACK_REQUEST_TIMEOUT", value: "soon", message: "number of seconds" },
  ])("refuses $variable=$value", ({ variable, value, message }) => {
    expect(() => resolveSettings({ env: { [variable]: value } })).toThrow(message);
  });

  it("names both ways to give a token when none is set", () => {
    expect(() => requireCredentials(resolveSettings({ env: {} }))).toThrow(
      /pulumi config set --secret flashback:accessToken <token>.*FLASHBACK_ACCESS_TOKEN/,
    );
  });

  it("accepts a refresh token alone", () => {
    expect(() => requireCredentials(resolveSettings({ env: { FLASHBACK_REFRESH_TOKEN: "rt" } }))).not.toThrow();
  });
});
