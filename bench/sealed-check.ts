import { resolve } from "node:path";
import { MiniEngine } from "../testkit/engine/mini-engine";
import { ageKeyPair, openPgpKeyPair } from "../testkit/encryption-keys";
import { median, RESOURCE_URN, runPool, startSubject, timed, type Subject } from "./drive";
import { VARIANTS, type Variant } from "./encrypt-to";

/*
 * What `encryptTo` adds to Check, the call every key gets twice per `pulumi up` (preview, then the
 * update): `checkCount` Checks over gRPC in the real dynamic-provider process, plain, sealed to an
 * age recipient and sealed to an OpenPGP key, each variant in a fresh process (its first Check opens
 * the recipient), taking turns in each run. `tsx bench/sealed-check.ts` prints them alone.
 */

export interface SealedCheckFigures {
  checkCount: number;
  ms: Record<Variant, number>;
}

/** The engine's default parallelism on a small machine: Checks of many resources overlap. */
const PARALLEL = 8;

export async function sealedCheckFigures(
  subject: Subject,
  options: { root: string; checkCount: number; runs: number },
): Promise<SealedCheckFigures> {
  const recipients: Record<Variant, string | undefined> = {
    plain: undefined,
    age: (await ageKeyPair()).recipient,
    openpgp: (await openPgpKeyPair()).recipient,
  };
  const samples = Object.fromEntries(VARIANTS.map((variant) => [variant, [] as number[]])) as Record<Variant, number[]>;
  for (let run = 0; run < options.runs; run += 1) {
    for (const variant of VARIANTS) samples[variant].push(await timeChecks(subject, recipients[variant], options));
  }
  const ms = Object.fromEntries(VARIANTS.map((variant) => [variant, median(samples[variant])])) as Record<Variant, number>;
  return { checkCount: options.checkCount, ms };
}

async function timeChecks(subject: Subject, encryptTo: string | undefined, options: { root: string; checkCount: number }): Promise<number> {
  // Check sends no request: no emulator, and settings that would fail any call that did.
  const provider = await startSubject(subject, options.root, { FLASHBACK_API_URL: "http://127.0.0.1:9", FLASHBACK_ACCESS_TOKEN: "bench" });
  try {
    const { ms, result } = await timed(() =>
      runPool(options.checkCount, PARALLEL, (index) =>
        provider.check(
          RESOURCE_URN(index),
          {},
          {
            repoId: "repo-bench",
            name: `bench-${index}`,
            accessType: "READ",
            ...(encryptTo === undefined ? {} : { encryptTo }),
            __provider: subject.serializedProvider,
          },
        ),
      ),
    );
    const refused = result.find((checked) => checked.failures.length > 0);
    if (refused !== undefined) throw new Error(`a Check failed: ${JSON.stringify(refused.failures)}`);
    return ms;
  } finally {
    await provider.stop();
  }
}

/** This package's `__provider`, as the basic example serializes it, for a run of these rows alone. */
async function ourSubject(root: string): Promise<Subject> {
  const engine = new MiniEngine({
    programDir: root,
    main: "examples/basic/index.ts",
    project: "flashback-basic",
    stack: "bench",
    typescript: true,
    config: { "flashback-basic:repoId": "repo-bench" },
  });
  const preview = await engine.preview();
  return {
    name: "ours",
    serializedProvider: preview.registrations.find((registration) => registration.custom)?.object.__provider as string,
  };
}

if (require.main === module) {
  const root = resolve(__dirname, "..");
  void ourSubject(root)
    .then((subject) => sealedCheckFigures(subject, { root, checkCount: 1000, runs: 3 }))
    .then((figures) => console.log(JSON.stringify(figures, null, 2)));
}
