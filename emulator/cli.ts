#!/usr/bin/env node
import { parseCommandLine, refuseUsage } from "../provider/utils/command-line";
import { CREATED_AT_SHAPES, parseFaultRule } from "./faults";
import { startEmulator } from "./server";

const usage = `flashback-emulator: a local Flashback API for repository API keys

  --port N              port to listen on (0, the default, picks a free one)
  --repo ID             a repository that exists (repeatable; default repo-demo)
  --token T             an accepted access token (repeatable; default dev-token)
  --refresh-token T     an accepted refresh token (repeatable)
  --user EMAIL:PASSWORD a user POST /user/login signs in (repeatable)
  --state-file PATH     keep keys in this JSON file between runs
  --latency MS          added to every request
  --jitter MS           up to this much more per request, at random (answers arrive out of step)
  --page-size N         lists answer N keys at most, with total, page and limit fields
  --hidden-repo ID      a repository that exists but answers 404 (repeatable)
  --azure-repo ID       an Azure Blob repository: its keys have no key id (repeatable)
  --rate-limit N        requests per second before 429 with Retry-After
  --burst N             requests allowed at once above the rate (default 2 x rate)
  --token-lifetime S    access tokens expire S seconds after first use
  --created-at SHAPE    how lists write createdAt: utc (default, with Z), offset (+09:00), zoneless or missing
  --no-date             answers carry no Date header
  --clock-offset MS     Flashback's clock runs this far ahead of this machine's (negative: behind)
  --refuse-duplicate-names  a create or rename to a name the repository already has answers 409
  --fault RULE          a scripted fault (repeatable): KIND[,status=N][,retryAfter=S][,errorCode=C][,ms=N][,method=M][,path=P][,times=N|always]
                        KIND is status, reset-before, reset-after, malformed-json, success-false, missing-fields, delay or delay-answer

Prints its URL on the first line, then serves until stopped.`;

const OPTIONS = {
  port: { type: "string", default: "0" },
  repo: { type: "string", multiple: true },
  token: { type: "string", multiple: true },
  "refresh-token": { type: "string", multiple: true },
  user: { type: "string", multiple: true },
  "state-file": { type: "string" },
  latency: { type: "string" },
  jitter: { type: "string" },
  "page-size": { type: "string" },
  "hidden-repo": { type: "string", multiple: true },
  "azure-repo": { type: "string", multiple: true },
  "rate-limit": { type: "string" },
  burst: { type: "string" },
  "token-lifetime": { type: "string" },
  "created-at": { type: "string" },
  "no-date": { type: "boolean", default: false },
  "clock-offset": { type: "string" },
  "refuse-duplicate-names": { type: "boolean", default: false },
  fault: { type: "string", multiple: true },
  help: { type: "boolean", default: false },
} as const;

/** Flags it can parse but not use: one line, the usage, exit code 2. */
function usageError(message: string): never {
  return refuseUsage("flashback-emulator", usage, message);
}

async function main(): Promise<void> {
  const values = parseCommandLine("flashback-emulator", usage, OPTIONS);
  const emulator = await startEmulator({
    port: toNumber("--port", values.port),
    repos: values.repo ?? ["repo-demo"],
    accessTokens: values.token ?? ["dev-token"],
    refreshTokens: values["refresh-token"] ?? [],
    users: Object.fromEntries((values.user ?? []).map(parseUser)),
    stateFile: values["state-file"],
    hiddenRepos: values["hidden-repo"] ?? [],
    azureRepos: values["azure-repo"] ?? [],
  });
  if (values.latency !== undefined) emulator.faults.latencyMs = toNumber("--latency", values.latency);
  if (values.jitter !== undefined) emulator.faults.latencyJitterMs = toNumber("--jitter", values.jitter);
  if (values["page-size"] !== undefined) emulator.faults.listPageSize = toNumber("--page-size", values["page-size"]);
  if (values["rate-limit"] !== undefined) {
    const requestsPerSecond = toNumber("--rate-limit", values["rate-limit"]);
    emulator.faults.rateLimit = {
      requestsPerSecond,
      burst: values.burst === undefined ? 2 * requestsPerSecond : toNumber("--burst", values.burst),
    };
  }
  if (values["token-lifetime"] !== undefined)
    emulator.faults.tokenLifetimeMs = toNumber("--token-lifetime", values["token-lifetime"]) * 1000;
  if (values["created-at"] !== undefined) {
    const shape = CREATED_AT_SHAPES.find((candidate) => candidate === values["created-at"]);
    if (shape === undefined) usageError(`--created-at takes one of ${CREATED_AT_SHAPES.join(", ")}; got "${values["created-at"]}"`);
    emulator.faults.createdAtShape = shape;
  }
  emulator.faults.omitDateHeader = values["no-date"];
  emulator.faults.refuseDuplicateNames = values["refuse-duplicate-names"];
  if (values["clock-offset"] !== undefined) {
    const offset = Number(values["clock-offset"]);
    if (!Number.isFinite(offset)) usageError(`--clock-offset takes a number of milliseconds; got "${values["clock-offset"]}"`);
    emulator.faults.clockOffsetMs = offset;
  }
  for (const rule of values.fault ?? []) {
    try {
      emulator.faults.add(parseFaultRule(rule));
    } catch (error) {
      usageError(`--fault: ${(error as Error).message}`);
    }
  }
  console.log(emulator.url);
  const stop = (): void => void emulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function parseUser(user: string): [string, string] {
  const at = user.indexOf(":");
  if (at <= 0 || at === user.length - 1) usageError("--user takes EMAIL:PASSWORD, both non-empty");
  return [user.slice(0, at), user.slice(at + 1)];
}

function toNumber(flag: string, value: string | undefined): number {
  const number = Number(value);
  if (value === undefined || !Number.isFinite(number) || number < 0) usageError(`${flag} takes a number of at least 0; got "${value}"`);
  return number;
}

main().catch((error: unknown) => {
  console.error(`flashback-emulator: ${(error as Error).message}`);
  process.exit(1);
});
