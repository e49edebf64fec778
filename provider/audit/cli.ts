#!/usr/bin/env node
import { parseCommandLine, refuseUsage } from "../utils/command-line";
import { formatJson, formatText } from "./format-report";
import { runAudit } from "./run-audit";

/** Exit codes, so that a scheduled job can tell a finding from a failure. */
const EXIT = { clean: 0, unmanaged: 1, failed: 3 } as const;

const usage = `flashback-audit: which of a repository's API keys no Pulumi stack manages, how old each is, and leftover reservations

  --repo ID             the repository to audit (repeatable)
  --stack-export PATH   the output of \`pulumi stack export\` for a stack that may hold its keys,
                        or - for standard input (repeatable)
  --json                the report as JSON
  --help                this text

Settings come from the environment, as the provider reads them: FLASHBACK_ACCESS_TOKEN (or
FLASHBACK_REFRESH_TOKEN), FLASHBACK_API_URL and the other FLASHBACK_* variables. It only lists keys:
it sends no write, and prints of the states nothing but key ids and URNs.

Exit codes: 0 every key is managed by one of the stacks; 1 some key is not (leftover reservations
included); 2 bad arguments; 3 the audit could not finish (Flashback, settings, an unreadable export).`;

function usageError(message: string): never {
  return refuseUsage("flashback-audit", usage, message);
}

const OPTIONS = {
  repo: { type: "string", multiple: true },
  "stack-export": { type: "string", multiple: true },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

async function main(): Promise<void> {
  const values = parseCommandLine("flashback-audit", usage, OPTIONS);
  const repoIds = values.repo ?? [];
  const stackExports = values["stack-export"] ?? [];
  if (repoIds.length === 0) usageError("--repo is required: the repository whose keys to audit");
  if (stackExports.length === 0) usageError("--stack-export is required: the `pulumi stack export` of each stack that may hold its keys");
  if (repoIds.some((id) => id.trim() === "")) usageError("--repo takes a repository id; got an empty one");
  if (stackExports.filter((source) => source === "-").length > 1) usageError("--stack-export - (standard input) can be given once");
  const { audits, unmanaged } = await runAudit({ repoIds, stackExports });
  console.log(values.json ? formatJson(audits) : formatText(audits));
  process.exitCode = unmanaged > 0 ? EXIT.unmanaged : EXIT.clean;
}

main().catch((error: unknown) => {
  // Every error on the way is the provider's own, with a redacted message, or names an export by its path.
  console.error(`flashback-audit: ${(error as Error).message}`);
  process.exit(EXIT.failed);
});
