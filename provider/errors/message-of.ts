/** The message of whatever was thrown, for a sentence that quotes it; errors of this package are redacted already. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "unknown failure";
}
