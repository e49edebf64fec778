import { unmanagedKeys, type AuditedKey, type KeyStatus, type RepositoryAudit } from "./judge-keys";
import type { ManagedKey } from "./stack-export";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../utils/time-units";

const RESERVATION_TEXT: Record<Extract<KeyStatus, { kind: "reservation" }>["judgement"], string> = {
  abandoned: "leftover reservation, abandoned: its create is over and nobody holds its secret; the next deployment's sweep deletes it",
  "in-flight": "leftover reservation, in flight: a deployment's create may still hand it over; audit again once it is done",
  "no-proof": "leftover reservation, age unproven: Flashback's answer gave no zoned time to judge it by",
};

/**
 * The report for people: per repository a summary line, then one line per key. Names are quoted as
 * JSON strings, so that a name holding a line break cannot pass for another line of the report.
 */
export function formatText(audits: readonly RepositoryAudit[]): string {
  return audits.flatMap((audit) => [summaryOf(audit), ...audit.keys.map(lineOf), ...audit.missing.map(missingLineOf)]).join("\n");
}

/** The same report as one JSON document, for scripts; ages in whole seconds, `null` where unknown. */
export function formatJson(audits: readonly RepositoryAudit[]): string {
  return JSON.stringify(
    {
      unmanaged: audits.reduce((total, audit) => total + unmanagedKeys(audit).length, 0),
      repositories: audits.map((audit) => ({
        repoId: audit.repoId,
        listedAt: audit.listedAt === undefined ? null : new Date(audit.listedAt).toISOString(),
        keys: audit.keys.map((key) => ({
          id: key.id,
          name: key.name,
          accessType: key.accessType,
          createdAt: key.createdAt ?? null,
          ageSeconds: key.ageMs === undefined ? null : Math.floor(key.ageMs / 1000),
          status: key.status.kind,
          ...(key.status.kind === "reservation" ? { reservation: key.status.judgement } : {}),
          managedBy:
            key.status.kind === "managed"
              ? key.status.by.map(({ stack, urn, source, keptOnDelete }) => ({
                  stack,
                  urn,
                  export: source,
                  keptOnDelete: keptOnDelete ?? null,
                }))
              : [],
        })),
        missing: audit.missing.map(({ id, stack, urn, source }) => ({ id, stack, urn, export: source })),
      })),
    },
    null,
    2,
  );
}

/** `3d 4h`, `2h 30m`, `12m`, `45s`: whole units, rounded down; `unknown` where the date names no zone. */
export function formatAge(ageMs: number | undefined): string {
  if (ageMs === undefined) return "unknown";
  if (ageMs >= DAY_MS) return `${Math.floor(ageMs / DAY_MS)}d ${Math.floor((ageMs % DAY_MS) / HOUR_MS)}h`;
  if (ageMs >= HOUR_MS) return `${Math.floor(ageMs / HOUR_MS)}h ${Math.floor((ageMs % HOUR_MS) / MINUTE_MS)}m`;
  if (ageMs >= MINUTE_MS) return `${Math.floor(ageMs / MINUTE_MS)}m`;
  return `${Math.floor(ageMs / 1000)}s`;
}

function summaryOf(audit: RepositoryAudit): string {
  const unmanaged = unmanagedKeys(audit);
  const reservations = unmanaged.filter((key) => key.status.kind === "reservation").length;
  return (
    `repository ${audit.repoId}: ${audit.keys.length} keys, ${audit.keys.length - unmanaged.length} managed, ` +
    `${unmanaged.length} unmanaged (${reservations} of them leftover reservations)`
  );
}

function lineOf(key: AuditedKey): string {
  return `  ${key.id}  ${JSON.stringify(key.name)}  ${key.accessType}  age ${formatAge(key.ageMs)}  ${statusText(key.status)}`;
}

function statusText(status: KeyStatus): string {
  switch (status.kind) {
    case "managed":
      return status.by.map((key) => `managed by ${key.stack} (${key.urn})${keptText(key.keptOnDelete)}`).join("; ");
    case "unmanaged":
      return "UNMANAGED";
    case "reservation":
      return `UNMANAGED: ${RESERVATION_TEXT[status.judgement]}`;
  }
}

/** A key a destroy would leave working in Flashback: said beside its stack, so that nobody counts on the destroy to revoke it. */
function keptText(option: ManagedKey["keptOnDelete"]): string {
  return option === undefined ? "" : `, RETAINED on delete (${option}): a destroy leaves it working`;
}

function missingLineOf(key: { id: string; stack: string; urn: string }): string {
  return `  ${key.id}  not listed by Flashback, yet in the state of ${key.stack} (${key.urn}): deleted outside Pulumi; \`pulumi refresh\` drops it`;
}
