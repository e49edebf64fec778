import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resolveEscSettings } from "../../provider/esc/esc-settings";
import { handleFunctionUrlEvent } from "../../provider/esc/lambda-front";
import { createRotator } from "../../provider/esc/rotate";
import { freePort, startAdapter, type AdapterProcess } from "../helpers/esc-adapter-process";
import { FORGERIES } from "../helpers/esc-forgeries";
import { REPO_ROOT } from "../helpers/run-node";
import { FAKE_ISSUER, FakeEscEnvironment, FakePulumiCloud, keysHeldBy, newSigningKey, type AdapterReply } from "../helpers/fake-esc";

/*
 * The ESC rotator (`flashback-esc-rotator`, built) between a fake ESC written from Pulumi's
 * documented contract and the emulator: rotations with overlap, ESC's retries, a kill mid-rotation,
 * two rotations at once, every forgery, the leak runbook, and a scan of everything it said.
 */

const REPO = "repo-esc";
const BOT = { email: "rotator-bot@example.com", password: "pw-SECRET-bot-5b1e9c0d" };
const REFRESH_TOKEN = "rt-SECRET-refresh-77aa0c3e";
const ACCESS_TOKEN = "at-SECRET-access-19f0b2d4";
/** Seconds a rotation may take here: short, so that waiting out a lost one is quick. */
const ROTATION_TIMEOUT_S = 2;
const ENVIRONMENTS = ["prod", "retry", "crash", "race", "creds", "leak", "lambda"].map((name) => `acme/${name}`);

let emulator: RunningEmulator;
let cloud: FakePulumiCloud;
let adapter: AdapterProcess;
let adapterEnv: NodeJS.ProcessEnv;
const output: string[] = [];
const environments: FakeEscEnvironment[] = [];
const totals = { rotations: 0, retries: 0, forgeriesRefused: 0 };
const timings = { startMs: 0, firstRotationMs: 0, rotationMs: 0 };

const passwordRequest = (name: string): Record<string, unknown> => ({ repoId: REPO, accessType: "READ", name, ...BOT });

function environment(name: string, request = passwordRequest(`app-${name}`)): FakeEscEnvironment {
  const env = new FakeEscEnvironment(cloud, `acme/${name}`, adapter.url, request);
  environments.push(env);
  return env;
}

/** `esc env rotate`, expecting success: counted, and the answer's key checked against Flashback. */
async function rotateOk(env: FakeEscEnvironment): Promise<Record<string, unknown>> {
  const reply = await env.rotate();
  expect(reply.status, `${reply.text}\n${output.join("")}`).toBe(200);
  totals.rotations += 1;
  expect(emulator.store.isSecretOf(reply.body.id as string, reply.body.secret as string)).toBe(true);
  return reply.body;
}

/** Keys the repository holds that no environment's state names: what a crash or a lost answer would leave. */
function orphanedKeys(): string[] {
  const held = new Set(environments.flatMap((env) => keysHeldBy(env.state)));
  return emulator.store
    .list(REPO)
    .filter((key) => !held.has(key.id))
    .map((key) => key.id);
}

/** Keys beyond current and previous per environment. */
function extraKeys(): number {
  return environments.reduce((extra, env) => {
    const listed = emulator.store.list(REPO).filter((key) => key.name.includes(`~${env.environment}~`)).length;
    return extra + Math.max(0, listed - 2);
  }, 0);
}

/** Waits until a rotation that began now is over by the adapter's rule (its timeout, a margin, whole seconds). */
const waitOutRotation = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, ROTATION_TIMEOUT_S * 1000 + 1_600));

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  emulator = await startEmulator({
    repos: [REPO],
    users: { [BOT.email]: BOT.password },
    refreshTokens: [REFRESH_TOKEN],
    accessTokens: [ACCESS_TOKEN],
    rotateRefreshTokens: true,
  });
  cloud = new FakePulumiCloud();
  await cloud.start();
  const port = await freePort();
  adapterEnv = {
    PORT: String(port),
    FLASHBACK_ESC_AUDIENCE: `http://127.0.0.1:${port}/rotate`,
    FLASHBACK_ESC_ORGS: "acme",
    FLASHBACK_ESC_ENVIRONMENTS: ENVIRONMENTS.join(","),
    FLASHBACK_ESC_JWKS_URL: cloud.jwksUrl,
    FLASHBACK_ESC_ISSUERS: FAKE_ISSUER,
    FLASHBACK_ESC_ROTATION_TIMEOUT: String(ROTATION_TIMEOUT_S),
    FLASHBACK_ESC_JWKS_COOLDOWN: "0",
    FLASHBACK_API_URL: emulator.url,
  };
  adapter = await startAdapter(adapterEnv, { output });
  timings.startMs = adapter.startMs;
});

afterAll(async () => {
  await adapter?.stop();
  await cloud?.close();
  await emulator?.close();
});

describe("the command's configuration", () => {
  it("refuses to start without an organization list, naming the variable, exit code 2", async () => {
    const { FLASHBACK_ESC_ORGS: _, ...withoutOrgs } = adapterEnv;
    await expect(startAdapter({ ...withoutOrgs, PORT: "0" })).rejects.toThrow(
      /exited with 2 before serving: .*FLASHBACK_ESC_ORGS is required/,
    );
  });
});

describe("three rotations with overlap", () => {
  it("each answer is flat; the new key and the state's key live, the one before is deleted", async () => {
    const env = environment("prod");
    const coldStart = performance.now();
    const first = await rotateOk(env);
    timings.firstRotationMs = performance.now() - coldStart;
    expect(Object.keys(first).sort()).toEqual(["createdAt", "generation", "id", "key", "name", "previous", "secret"]);
    expect(first).toMatchObject({ generation: 1, previous: null });
    expect(first.name).toMatch(/^app-prod.*acme\/prod.*repo-esc.*g1/);
    const second = await rotateOk(env);
    expect(second).toMatchObject({ generation: 2, previous: { id: first.id, key: first.key, name: first.name } });
    const started = performance.now();
    const third = await rotateOk(env);
    timings.rotationMs = performance.now() - started;
    expect(third).toMatchObject({ generation: 3, previous: { id: second.id } });
    expect(
      emulator.store
        .list(REPO)
        .map((key) => key.id)
        .sort(),
    ).toEqual([second.id, third.id].sort());
  });
});

describe("forgeries", () => {
  it.each(FORGERIES.map((forgery) => [forgery.name, forgery] as const))(
    "%s: refused, naming the check, before Flashback",
    async (_, forgery) => {
      const env = environments.find((candidate) => candidate.environment === "acme/prod") as FakeEscEnvironment;
      const [requestsBefore, fetchesBefore, stateBefore] = [emulator.requests.length, cloud.jwksFetches, env.state];
      const reply = await forgery.send(env);
      env.replies.push(reply);
      expect(reply.status, reply.text).toBe(forgery.status);
      expect(reply.body.check).toBe(forgery.check);
      expect(emulator.requests.length).toBe(requestsBefore);
      for (const value of forgery.mustNotEcho ?? []) expect(reply.text).not.toContain(value);
      // An unknown kid is looked for in a fresh copy of the JWKS, once, before the refusal.
      if (forgery.check === "kid") expect(cloud.jwksFetches).toBe(fetchesBefore + 1);
      expect(env.state).toBe(stateBefore);
      totals.forgeriesRefused += 1;
    },
  );
});

describe("Pulumi Cloud's signing key rotated", () => {
  it("a token signed by a key the cached JWKS lacks is taken after one fetch of the set", async () => {
    const env = environments.find((candidate) => candidate.environment === "acme/prod") as FakeEscEnvironment;
    cloud.keys.unshift(newSigningKey());
    const fetchesBefore = cloud.jwksFetches;
    await rotateOk(env);
    expect(cloud.jwksFetches).toBe(fetchesBefore + 1);
  });
});

describe("ESC's retry after a lost answer", () => {
  it("the same body makes the same generation: the lost key is deleted and made again, once its rotation is over", async () => {
    const env = environment("retry");
    const first = await rotateOk(env);
    const lost = await env.rotate({ loseAnswer: true });
    expect(lost.status).toBe(200);
    const creates = (): number =>
      emulator.requests.filter((request) => request.method === "POST" && request.path.endsWith("/apikey")).length;
    const posts = creates();
    // Still within the lost rotation's time: it may be running, so nothing is made.
    const early = await env.rotate();
    totals.retries += 1;
    expect(early.status, early.text).toBe(409);
    expect(creates()).toBe(posts);
    await waitOutRotation();
    const retried = await rotateOk(env);
    totals.retries += 1;
    expect(retried).toMatchObject({ generation: 2, previous: { id: first.id } });
    expect(retried.id).not.toBe(lost.body.id);
    expect(emulator.store.get(REPO, lost.body.id as string)).toBeUndefined();
    expect(orphanedKeys()).toEqual([]);
  });
});

describe("the adapter killed mid-rotation and restarted", () => {
  it.each([
    { point: "after Flashback made the key, before its answer", method: "POST" },
    { point: "after a leftover's delete, before the create", method: "DELETE" },
  ])("$point: the next rotation of the same body finds and cleans what it left", async ({ method }) => {
    const env = environments.find((candidate) => candidate.environment === "acme/crash") ?? environment("crash");
    if (env.state === null) {
      await rotateOk(env);
      await rotateOk(env);
    }
    const generation = (env.state?.generation as number) + 1;
    const keyPath = `/repo/${REPO}/apikey`;
    emulator.faults.add({ fault: { kind: "delay-answer", ms: 3_000 }, method, pathPrefix: keyPath });
    const seen = emulator.requests.length;
    const interrupted = env.rotate().catch((error: unknown) => error);
    const reached = (): boolean =>
      emulator.requests.slice(seen).some((request) => request.method === method && request.path.startsWith(keyPath));
    await waitFor(reached, `the ${method}`);
    await adapter.stop("SIGKILL");
    expect(await interrupted).toBeInstanceOf(Error);
    adapter = await startAdapter(adapterEnv, { output });
    await waitOutRotation();
    const retried = await rotateOk(env);
    totals.retries += 1;
    expect(retried.generation).toBe(generation);
    expect(orphanedKeys()).toEqual([]);
    expect(extraKeys()).toBe(0);
  });
});

describe("two rotations of one environment at once", () => {
  it("at most one succeeds, with a key that stays; the other deletes what it made", async () => {
    const env = environment("race");
    await rotateOk(env);
    emulator.faults.latencyMs = 40;
    emulator.faults.latencyJitterMs = 120;
    try {
      for (let round = 0; round < 4; round += 1) {
        const replies = await Promise.all([env.rotate(), env.rotate()]);
        const succeeded = replies.filter((reply) => reply.status === 200);
        expect(succeeded.length).toBeLessThanOrEqual(1);
        for (const reply of replies.filter((candidate) => candidate.status !== 200)) expect(reply.status, reply.text).toBe(409);
        totals.rotations += succeeded.length;
        for (const reply of succeeded) expect(emulator.store.get(REPO, reply.body.id as string)).toBeDefined();
        expect(orphanedKeys()).toEqual([]);
      }
    } finally {
      emulator.faults.latencyMs = 0;
      emulator.faults.latencyJitterMs = 0;
    }
    await rotateOk(env);
    expect(orphanedKeys()).toEqual([]);
  });
});

describe("credentials", () => {
  it("a refresh token (Flashback replaces it on use here) and an access token each rotate; a wrong password makes nothing", async () => {
    const env = environment("creds", { repoId: REPO, accessType: "WRITE", name: "app-creds", refreshToken: REFRESH_TOKEN });
    await rotateOk(env);
    env.request = { repoId: REPO, accessType: "WRITE", name: "app-creds", accessToken: ACCESS_TOKEN };
    await rotateOk(env);
    env.request = { repoId: REPO, accessType: "WRITE", name: "app-creds", email: BOT.email, password: "pw-SECRET-wrong-0c8d1f" };
    const keysBefore = emulator.store.list(REPO).length;
    const refused = await env.rotate();
    expect(refused.status).toBe(502);
    expect(refused.body.message).toMatch(/sign in/);
    expect(refused.text).not.toContain("pw-SECRET-wrong-0c8d1f");
    expect(emulator.store.list(REPO).length).toBe(keysBefore);
  });
});

describe("the leak runbook (docs/esc-rotator.md)", () => {
  it("its `esc env rotate` lines, run as written, revoke a leaked current key; consumers keep a working key throughout", async () => {
    const section = readFileSync(join(REPO_ROOT, "docs", "esc-rotator.md"), "utf8").split("## Leak runbook")[1] ?? "";
    const steps = (section.split("```sh")[1]?.split("```")[0] ?? "").split("\n").filter((line) => line.startsWith("esc env rotate "));
    expect(steps.length).toBeGreaterThan(0);
    const env = environment("leak");
    await rotateOk(env);
    const leaked = await rotateOk(env);
    for (const [index] of steps.entries()) {
      const rotated = await rotateOk(env);
      // Until the last step the leaked key is `previous`: consumers that have not re-read keep working.
      if (index < steps.length - 1) expect(emulator.store.get(REPO, leaked.id as string)).toBeDefined();
      expect(emulator.store.isSecretOf(rotated.id as string, rotated.secret as string)).toBe(true);
    }
    expect(emulator.store.get(REPO, leaked.id as string)).toBeUndefined();
    expect(keysHeldBy(env.state)).not.toContain(leaked.id);
  });
});

describe("the AWS Lambda function URL front", () => {
  it("takes a base64 body as the bytes ESC signed, and refuses a body that is not them", async () => {
    const env = environment("lambda");
    const rotator = createRotator(resolveEscSettings(adapterEnv), { log: (line) => output.push(line) });
    const rawBody = env.body();
    const token = cloud.token(adapter.url, env.environment, rawBody);
    const event = (body: string) => ({
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: Buffer.from(body).toString("base64"),
      isBase64Encoded: true,
      requestContext: { http: { method: "POST" } },
    });
    const tampered = await handleFunctionUrlEvent(rotator, event(rawBody.replace('"READ"', '"ADMIN"')));
    expect([tampered.statusCode, JSON.parse(tampered.body).check]).toEqual([401, "body_hash"]);
    totals.forgeriesRefused += 1;
    const result = await handleFunctionUrlEvent(rotator, event(rawBody));
    expect(result.statusCode, result.body).toBe(200);
    env.state = JSON.parse(result.body) as Record<string, unknown>;
    env.replies.push({ status: result.statusCode, body: env.state, text: result.body });
    totals.rotations += 1;
  });
});

describe("totals", () => {
  it("no extra or orphaned key, and no secret, credential or token in anything the adapter printed or answered", () => {
    const replies: AdapterReply[] = environments.flatMap((env) => env.replies);
    const keySecrets = replies.filter((reply) => reply.status === 200).map((reply) => reply.body.secret as string);
    const credentials = [BOT.password, "pw-SECRET-wrong-0c8d1f", REFRESH_TOKEN, ACCESS_TOKEN];
    const printed = output.join("");
    const leaks = [
      ...[...keySecrets, ...credentials].filter((value) => printed.includes(value)),
      // Tokens the emulator issued at sign-in or renewal, and Pulumi's JWTs.
      ...(printed.match(/\b(at|rt)-[0-9a-f]{32}\b|eyJ[\w-]+\.eyJ[\w-]+/g) ?? []),
      ...replies.flatMap((reply) => credentials.filter((value) => reply.text.includes(value))),
      ...replies.flatMap((reply) => reply.text.match(/\b(at|rt)-[0-9a-f]{32}\b|eyJ[\w-]+\.eyJ[\w-]+/g) ?? []),
      // A secret in any answer but the one that made its key.
      ...replies.flatMap((reply) => keySecrets.filter((secret) => secret !== reply.body.secret && reply.text.includes(secret))),
    ];
    const [extra, orphaned] = [extraKeys(), orphanedKeys().length];
    console.log(
      `esc rotator: ${totals.rotations} rotations, ${totals.retries} retries, ${extra} extra keys, ${orphaned} orphaned keys, ${totals.forgeriesRefused} forgeries refused, ${leaks.length} secrets logged`,
    );
    console.log(
      `esc rotator timings: start ${Math.round(timings.startMs)} ms, first rotation ${Math.round(timings.firstRotationMs)} ms (loads jose, fetches the JWKS), one rotation ${Math.round(timings.rotationMs)} ms against the emulator`,
    );
    expect(totals.rotations).toBeGreaterThan(0);
    expect(totals.forgeriesRefused).toBe(FORGERIES.length + 1);
    expect([extra, orphaned, leaks.length]).toEqual([0, 0, 0]);
    // The log says what happened, so the scan above read something.
    expect(printed).toMatch(/acme\/prod: rotated repository repo-esc to generation 3/);
  });
});
