import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpc, providerGrpc, providerProto, toStruct } from "../../provider/engine/pulumi-protocol";
import { releasedPlugin } from "../../scripts/release";
import { ageKeyPair, openPgpKeyPair } from "../../testkit/encryption-keys";

/*
 * The encryption libraries inside the standalone plugin executable, where esbuild's CommonJS bundle
 * runs them: a Check of each kind of recipient goes through its library. openpgp's ES build once
 * failed only here (`createRequire(import.meta.url)` with an empty `import.meta`).
 */

const URN = "urn:pulumi:dev::exe::flashback:index:RepoApiKey::sealed";
/* eslint-disable @typescript-eslint/no-explicit-any -- Pulumi's generated gRPC client carries no types */
let client: any;
let stop: () => void;

beforeAll(async () => {
  const { executable } = await releasedPlugin();
  const child = spawn(executable, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "ignore"] });
  const port = await new Promise<string>((resolve) => child.stdout.once("data", (data: Buffer) => resolve(data.toString().trim())));
  client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  stop = () => {
    client.close();
    child.kill("SIGKILL");
  };
});
afterAll(() => stop?.());

function failuresOf(encryptTo: string): Promise<string[]> {
  const news = { repoId: "repo-1", name: "sealed", accessType: "READ", encryptTo };
  return new Promise((resolve, reject) =>
    client.check(new providerProto.CheckRequest().setUrn(URN).setNews(toStruct(news)), (error: unknown, response: any) =>
      error ? reject(error) : resolve(response.getFailuresList().map((failure: any) => failure.getReason())),
    ),
  );
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe("encryptTo in the plugin executable", () => {
  it("checks an age recipient with its library: a good one passes, a wrong checksum is refused", async () => {
    const { recipient } = await ageKeyPair();
    expect(await failuresOf(recipient)).toEqual([]);
    expect(await failuresOf(`${recipient.slice(0, -1)}${recipient.endsWith("q") ? "p" : "q"}`)).toEqual([
      expect.stringMatching(/^encryptTo is not a valid age recipient/),
    ]);
  });

  it("checks an OpenPGP key with its library: a good one passes, a sign-only one is refused", async () => {
    expect(await failuresOf((await openPgpKeyPair()).recipient)).toEqual([]);
    expect(await failuresOf((await openPgpKeyPair({ signOnly: true })).recipient)).toEqual([
      expect.stringMatching(/^encryptTo is an OpenPGP key \([0-9A-F]+\) with no valid encryption subkey/),
    ]);
  });
});
