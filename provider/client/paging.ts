/**
 * Flashback documents its list of a repository's keys as one whole answer, without paging. A
 * provider that took part of a list for all of it would drop live keys from the state on refresh
 * and miss leftovers, so an answer that shows any sign of paging is refused rather than trusted:
 * there is no documented way to ask for the next page.
 */

const COUNT_FIELDS = ["total", "totalCount", "total_count", "count", "totalKeys"] as const;
const CURSOR_FIELDS = [
  "next",
  "nextPage",
  "next_page",
  "nextToken",
  "next_token",
  "nextCursor",
  "next_cursor",
  "cursor",
  "continuationToken",
];
const MORE_FIELDS = ["hasMore", "has_more", "hasNextPage", "has_next_page"];
const PAGE_FIELDS = ["page", "limit", "pageSize", "page_size", "perPage", "per_page", "offset", "totalPages", "total_pages"];
/** Objects some APIs put their paging fields in. */
const NESTED = ["pagination", "paging", "meta", "pageInfo", "page_info"];

type Fields = Record<string, unknown>;

/**
 * Why a list answer looks like one page of several, or undefined when it looks whole. A count
 * equal to the keys returned proves the answer whole, whatever page fields come with it.
 */
export function describePaging(body: Fields, keysReturned: number, linkHeader?: string): string | undefined {
  if (linkHeader !== undefined && /rel\s*=\s*"?next"?/i.test(linkHeader)) return 'its Link header names a "next" page';
  for (const fields of [body, ...NESTED.map((name) => body[name]).filter(isFields)]) {
    const total = COUNT_FIELDS.map((name) => fields[name]).find((value): value is number => typeof value === "number");
    if (total !== undefined && total > keysReturned) return `it counts ${total} keys but holds ${keysReturned}`;
    const cursor = CURSOR_FIELDS.find((name) => isPresent(fields[name]));
    if (cursor !== undefined) return `it carries a next-page field "${cursor}"`;
    const more = MORE_FIELDS.find((name) => fields[name] === true);
    if (more !== undefined) return `it says "${more}": true`;
    const page = PAGE_FIELDS.find((name) => isPresent(fields[name]));
    if (page !== undefined && total !== keysReturned)
      return `it carries a paging field "${page}" and no count that matches the keys it holds`;
  }
  return undefined;
}

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "" && value !== false;
}
