import { describe, expect, it } from "vitest";
import { PULUMI_ISSUERS, PULUMI_JWKS_URL, resolveEscSettings } from "../../provider/esc/esc-settings";
import { parseRotationBody } from "../../provider/esc/rotation-request";
import { RequestRefusedError } from "../../provider/errors/request-refused-error";

const required = { FLASHBACK_ESC_ORGS: "acme", FLASHBACK_ESC_AUDIENCE: "https://rotator.example/rotate" };

describe("the ESC rotator's settings", () => {
  it("defaults to Pulumi Cloud's JWKS and issuers, and takes no Flashback token from its own environment", () => {
    const settings = resolveEscSettings({ ...required, FLASHBACK_ACCESS_TOKEN: "tok-SECRET-never-used" });
    expect(settings.jwksUrl.href).toBe(PULUMI_JWKS_URL);
    expect(settings.issuers).toEqual(PULUMI_ISSUERS);
    expect([...settings.organizations]).toEqual(["acme"]);
    expect(settings.environments.size).toBe(0);
    expect(settings.flashback.accessToken).toBeUndefined();
  });

  it.each([
    { env: { FLASHBACK_ESC_AUDIENCE: "https://rotator.example/rotate" }, says: "FLASHBACK_ESC_ORGS is required" },
    { env: { FLASHBACK_ESC_ORGS: "acme" }, says: "FLASHBACK_ESC_AUDIENCE is required" },
    {
      env: { ...required, FLASHBACK_ESC_AUDIENCE: "http://rotator.example/rotate" },
      says: "FLASHBACK_ESC_AUDIENCE must be an https:// URL",
    },
    { env: { ...required, FLASHBACK_ESC_JWKS_URL: "http://10.0.0.1/jwks" }, says: "FLASHBACK_ESC_JWKS_URL must be an https:// URL" },
    { env: { ...required, FLASHBACK_ESC_ROTATION_TIMEOUT: "0" }, says: "FLASHBACK_ESC_ROTATION_TIMEOUT must be a number from 1 to 600" },
  ])("refuses: $says", ({ env, says }) => {
    expect(() => resolveEscSettings(env)).toThrow(says);
  });
});

describe("the body ESC sends", () => {
  const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const request = { repoId: "r", accessType: "READ", name: "app" };

  it.each([
    { credential: { email: "bot@example.com", password: "pw-SECRET-1" }, kind: "password" },
    { credential: { refreshToken: "rt-SECRET-1" }, kind: "refreshToken" },
    { credential: { accessToken: "at-SECRET-1" }, kind: "accessToken" },
  ])("takes one credential: $kind", ({ credential, kind }) => {
    expect(parseRotationBody(body({ request: { ...request, ...credential }, state: null })).request.credential.kind).toBe(kind);
  });

  it.each([
    {
      value: { request: { ...request, accessToken: "at-SECRET-2", refreshToken: "rt-SECRET-2" }, state: null },
      says: "exactly one Flashback credential",
    },
    { value: { request: { ...request, email: "bot@example.com" }, state: null }, says: "exactly one Flashback credential" },
    { value: { request: { ...request, accessToken: "at-SECRET-2", accessType: "ROOT" }, state: null }, says: "request.accessType must be" },
    { value: { request: { ...request, accessToken: "at-SECRET-2" } }, says: "the body lacks state" },
    {
      value: { request: { ...request, name: "a~esc~acme/prod", accessToken: "at-SECRET-2" }, state: null },
      says: "request.name must not contain ~",
    },
    { value: { request: { ...request, accessToken: "at-SECRET-2" }, state: { id: "k" } }, says: "state lacks" },
  ])("refuses, naming the field and never a value: $says", ({ value, says }) => {
    let refusal: unknown;
    try {
      parseRotationBody(body(value));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RequestRefusedError);
    expect((refusal as RequestRefusedError).status).toBe(400);
    expect((refusal as RequestRefusedError).message).toContain(says);
    expect((refusal as RequestRefusedError).message).not.toMatch(/SECRET|ROOT/);
  });
});
