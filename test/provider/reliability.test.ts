import { afterEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import type { RepoApiKeyInputs } from "../../provider/definitions/repo-api-key";
import { manualClock, virtualClock } from "../helpers/test-clocks";
import { everythingPrinted, providerFor, TEST_REPO, TEST_TOKEN, keyIdsIn } from "../helpers/emulator-provider";

const REFRESH_TOKEN = "rt-SECRET-5b7a11f0-never-print-me";
const inputs = (name: string): RepoApiKeyInputs => ({ repoId: TEST_REPO, name, accessType: "READ" });
const names = (count: number): string[] => Array.from({ length: count }, (_, index) => `key-${index}`);

let emulator: RunningEmulator;
async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  emulator = await startEmulator({ repos: [TEST_REPO], accessTokens: [TEST_TOKEN], refreshTokens: [REFRESH_TOKEN], ...options });
  return emulator;
}
afterEach(() => emulator?.close());

describe("token renewal", () => {
  it("renews once for many calls that meet an expired token at the same time", async () => {
    await start();
    emulator.expireToken(TEST_TOKEN);
    const provider = providerFor(emulator, { FLASHBACK_REFRESH_TOKEN: REFRESH_TOKEN });
    await Promise.all(names(20).map((name) => provider.create(inputs(name))));
    expect(emulator.store.list(TEST_REPO)).toHaveLength(20);
    const renewals = emulator.requests.filter((request) => request.path === "/user/refresh");
    expect(renewals).toHaveLength(1);
    // Both spellings of the field go out: the docs and the official client disagree.
    expect(renewals[0]?.body).toEqual({ refreshToken: "[redacted]", refresh_token: "[redacted]" });
  });

  it("gets an access token first when only a refresh token is given", async () => {
    await start();
    const provider = providerFor(emulator, { FLASHBACK_ACCESS_TOKEN: "", FLASHBACK_REFRESH_TOKEN: REFRESH_TOKEN });
    await provider.create(inputs("first"));
    expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /user/refresh",
      `POST /repo/${TEST_REPO}/apikey`,
      expect.stringMatching(new RegExp(`^PUT /repo/${TEST_REPO}/apikey/`)),
    ]);
  });

  it("follows a rotated refresh token across renewals", async () => {
    await start({ rotateRefreshTokens: true });
    const provider = providerFor(emulator, { FLASHBACK_ACCESS_TOKEN: "", FLASHBACK_REFRESH_TOKEN: REFRESH_TOKEN });
    const created = await provider.create(inputs("one"));
    emulator.expireAccessTokens();
    // The first access token has expired and the first refresh token was retired: only the rotated one works now.
    await expect(provider.read(created.id, created.outs as never)).resolves.toMatchObject({ id: created.id });
    const renewals = emulator.requests.filter((request) => request.path === "/user/refresh");
    expect(renewals.map((request) => request.status)).toEqual([200, 200]);
  });

  it("without a refresh token, a 401 is a readable failure that says what to do", async () => {
    await start();
    emulator.expireToken(TEST_TOKEN);
    const error = await providerFor(emulator)
      .create(inputs("x"))
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/answered 401 Unauthorized: NO_AUTH_USER .*flashback:refreshToken/);
    expect(everythingPrinted(error)).not.toContain(TEST_TOKEN);
  });

  it("a refused refresh token is a readable failure without the token", async () => {
    await start({ refreshTokens: [] });
    const error = await providerFor(emulator, { FLASHBACK_ACCESS_TOKEN: "", FLASHBACK_REFRESH_TOKEN: REFRESH_TOKEN })
      .create(inputs("x"))
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/renew the access token failed: POST \/user\/refresh answered 401/);
    expect(everythingPrinted(error)).not.toContain(REFRESH_TOKEN);
  });
});

describe("rate limits and concurrency", () => {
  it("caps requests in flight at flashback:maxConcurrency", async () => {
    await start();
    emulator.faults.latencyMs = 20;
    const provider = providerFor(emulator, { FLASHBACK_MAX_CONCURRENCY: "3" });
    await Promise.all(names(20).map((name) => provider.create(inputs(name))));
    expect(emulator.peakInFlight).toBe(3);
  });

  it("one 429 holds back every request not yet sent until Retry-After has passed", async () => {
    await start();
    const { clock, advance, waiting } = manualClock();
    emulator.faults.add({ fault: { kind: "status", status: 429, retryAfter: "1" }, method: "POST" });
    const provider = providerFor(emulator, { FLASHBACK_MAX_CONCURRENCY: "2" }, { clock });
    const creating = Promise.all(names(8).map((name) => provider.create(inputs(name))));
    // The limited request waits out its Retry-After; the other slot's next request, and every one after,
    // waits behind the shared pause. The clock stands still: nothing more may be sent.
    await vi.waitFor(() => expect(waiting()).toBe(3));
    // The limited POST, and what the other slot sent before the 429 came back; without the shared pause
    // that slot would send all the remaining keys' requests meanwhile.
    expect(emulator.requests.length).toBeLessThanOrEqual(3);
    expect(emulator.requests.every((request) => request.status !== 0)).toBe(true);
    advance(1000);
    await creating;
    expect(emulator.store.list(TEST_REPO)).toHaveLength(8);
  });

  it("creates every key exactly once under Flashback's gateway limit (10/s, burst 20)", async () => {
    await start();
    emulator.faults.rateLimit = { requestsPerSecond: 10, burst: 20 };
    const provider = providerFor(emulator);
    await Promise.all(names(40).map((name) => provider.create(inputs(name))));
    const keys = emulator.store.list(TEST_REPO);
    expect(keys).toHaveLength(40);
    expect(new Set(keys.map((key) => key.name)).size).toBe(40);
    expect(emulator.requests.some((request) => request.status === 429)).toBe(true);
  });
});

describe("retries and deadlines", () => {
  it("stops at the operation deadline with a readable message", async () => {
    await start();
    emulator.faults.add({ fault: { kind: "status", status: 503 }, method: "GET", times: Infinity });
    const stored = emulator.store.create(TEST_REPO, "k", "READ");
    const { clock, sleeps } = virtualClock();
    const provider = providerFor(emulator, { FLASHBACK_OPERATION_TIMEOUT: "1", FLASHBACK_MAX_RETRIES: "100" }, { clock, random: () => 0 });
    await expect(provider.read(stored.stored.id, { ...inputs("k"), key: stored.stored.key, secret: stored.secret })).rejects.toThrow(
      /list API keys \(repository "repo-test"\) failed: GET \/repo\/\{repoId\}\/apikey answered 503/,
    );
    // Without the deadline it would go on for 100 retries of up to 8 s each; within 1 s it stops after 125 + 250 + 500 ms.
    expect(sleeps).toEqual([125, 250, 500]);
  });

  it("fails at once on a status that retrying cannot fix", async () => {
    await start();
    emulator.faults.add({ fault: { kind: "status", status: 400 }, method: "PUT" });
    const stored = emulator.store.create(TEST_REPO, "k", "READ");
    await expect(
      providerFor(emulator).update(stored.stored.id, { ...inputs("k"), key: stored.stored.key, secret: stored.secret }, inputs("k2")),
    ).rejects.toThrow("answered 400");
    expect(emulator.requests).toHaveLength(1);
  });

  it("retries a create that never reached Flashback, then says so without the token", async () => {
    await start();
    const closedUrl = emulator.url;
    await emulator.close();
    const provider = providerFor({ url: closedUrl } as RunningEmulator, { FLASHBACK_MAX_RETRIES: "2" });
    const error = await provider.create(inputs("x")).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /create API key "x" \(repository "repo-test"\) failed: POST \/repo\/\{repoId\}\/apikey got no answer \(ECONNREFUSED\)/,
    );
    expect(everythingPrinted(error)).not.toContain(TEST_TOKEN);
    emulator = await start();
  });

  it("a create whose answer was lost three times deletes what it made and says so", async () => {
    await start();
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST", times: 3 });
    const error = await providerFor(emulator)
      .create(inputs("lost"))
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /got no answer \(ECONNRESET\)\. 3 attempts failed without a usable answer; the 3 orphaned key\(s\) it made .* were deleted/,
    );
    expect(emulator.store.list(TEST_REPO)).toHaveLength(0);
  });

  it("leaves alone a key of the same name that this deployment already created", async () => {
    await start();
    const provider = providerFor(emulator);
    const first = await provider.create(inputs("twin"));
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST" });
    const second = await provider.create(inputs("twin"));
    expect(keyIdsIn(emulator)).toEqual([first.id, second.id].sort());
  });

  it("leaves alone a key of the same name that somebody else made while the answer was lost", async () => {
    await start();
    const human = emulator.store.create(TEST_REPO, "shared-name", "READ");
    emulator.faults.add({ fault: { kind: "reset-after" }, method: "POST" });
    const created = await providerFor(emulator).create(inputs("shared-name"));
    expect(keyIdsIn(emulator)).toEqual([human.stored.id, created.id].sort());
  });
});
