/**
 * Flashback's clock as its answers state it. Only a time that names its zone proves anything: an
 * ISO date without one is read by `Date.parse` as local time, so a machine east of UTC would take
 * a reservation seconds old for hours old. Anything else is "no proof" (`undefined`).
 */

/** ISO 8601 with `Z` or a numeric offset, e.g. `2026-12-02T10:00:00.123Z`, `2026-12-02T19:00:00+09:00`. */
const ZONED_ISO =
  /^(?<date>\d{4}-\d{2}-\d{2})[T ](?<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(?:(?<zulu>[Zz])|(?<sign>[+-])(?<hours>\d{2})(?::?(?<minutes>\d{2}))?)$/;

/** An HTTP date in the forms RFC 9110 allows a sender (IMF-fixdate) or a recipient to accept (RFC 850): both in GMT. */
const HTTP_DATE = /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4}|[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2}) \d{2}:\d{2}:\d{2} GMT$/;

/** Epoch milliseconds of a `createdAt` that names its zone; `undefined` for any other text. */
export function parseZonedTimestamp(text: unknown): number | undefined {
  const parts = typeof text === "string" ? ZONED_ISO.exec(text.trim())?.groups : undefined;
  if (parts === undefined) return undefined;
  const zone = parts.zulu !== undefined ? "Z" : `${parts.sign}${parts.hours}:${parts.minutes ?? "00"}`;
  return finite(Date.parse(`${parts.date}T${parts.time!.replace(",", ".")}${zone}`));
}

/** Epoch milliseconds of an HTTP `Date` header; `undefined` when there is none or it is not in GMT. */
export function parseHttpDate(text: string | undefined): number | undefined {
  if (text === undefined || !HTTP_DATE.test(text.trim())) return undefined;
  return finite(Date.parse(text.trim()));
}

/** The `Date` header has whole seconds: the moment it stamps lies up to this much after it. */
export const HTTP_DATE_RESOLUTION_MS = 1_000;

function finite(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}
