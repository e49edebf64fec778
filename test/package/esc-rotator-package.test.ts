import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { freePort, startAdapter, type AdapterProcess } from "../helpers/esc-adapter-process";
import { FORGERIES } from "../helpers/esc-forgeries";
import { FAKE_ISSUER, FakeEscEnvironment, FakePulumiCloud, keysHeldBy } from "../helpers/fake-esc";
import { REPO_ROOT } from "../helpers/run-node";

/*
 * `flashback-esc-rotator` as a user gets it: `npm pack` of the built package, installed into a new
 * folder, started through node_modules/.bin and configured from the environment as the docs say.
 * Run after the build (npm test builds first).
 */

const REPO = "repo-packed";
const BOT = { email: "bot@example.com", password: "pw-SECRET-packed-3e8a" };

let work: string;
let emulator: RunningEmulator;
let cloud: FakePulumiCloud;
let adapter: AdapterProcess;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "flashback-esc-package-"));
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: REPO_ROOT, encoding: "utf8" })
    .trim()
    .split("\n")
    .pop() as string;
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "esc-rotator-host", private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--silent", join(work, tarball)], { cwd: app });
  emulator = await startEmulator({ repos: [REPO], users: { [BOT.email]: BOT.password } });
  cloud = new FakePulumiCloud();
  await cloud.start();
  const port = await freePort();
  adapter = await startAdapter(
    {
      PORT: String(port),
      FLASHBACK_ESC_AUDIENCE: `http://127.0.0.1:${port}/rotate`,
      FLASHBACK_ESC_ORGS: "acme",
      FLASHBACK_ESC_ENVIRONMENTS: "acme/prod",
      FLASHBACK_ESC_JWKS_URL: cloud.jwksUrl,
      FLASHBACK_ESC_ISSUERS: FAKE_ISSUER,
      FLASHBACK_API_URL: emulator.url,
    },
    { command: join(app, "node_modules", ".bin", "flashback-esc-rotator"), args: [], cwd: app },
  );
}, 300_000);

afterAll(async () => {
  await adapter?.stop();
  await cloud?.close();
  await emulator?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("flashback-esc-rotator from the packed package", () => {
  it("answers three signed rotations, leaving two working keys, then refuses each forgery before Flashback", async () => {
    const env = new FakeEscEnvironment(cloud, "acme/prod", adapter.url, { repoId: REPO, accessType: "READ", name: "app", ...BOT });
    for (let rotation = 1; rotation <= 3; rotation += 1) {
      const reply = await env.rotate();
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.generation).toBe(rotation);
      expect(reply.text).not.toContain(BOT.password);
    }
    const listed = emulator.store.list(REPO).map((key) => key.id);
    expect(listed.sort()).toEqual(keysHeldBy(env.state).sort());
    expect(listed).toHaveLength(2);
    expect(emulator.store.isSecretOf(env.state?.id as string, env.state?.secret as string)).toBe(true);
    for (const forgery of FORGERIES) {
      const before = emulator.requests.length;
      const reply = await forgery.send(env);
      expect([forgery.name, reply.status, reply.body.check]).toEqual([forgery.name, forgery.status, forgery.check]);
      expect(emulator.requests.length).toBe(before);
    }
    expect(adapter.output.join("")).not.toContain(BOT.password);
  });
});
