/** True for a string with at least one character: what Flashback's optional string fields must be to count. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
