/** What replaces a secret in any text this package produces. */
export const REDACTED = "[redacted]";

/**
 * Header names whose values are credentials. Matches got's own list of headers it strips
 * across origins.
 */
export const SENSITIVE_HEADERS: readonly string[] = ["authorization", "proxy-authorization", "cookie", "cookie2"];

/** Shorter values are not masked: they would mangle ordinary words and carry no secret worth the name. */
const SHORTEST_MASKED = 6;

/** Longest vendor text put into an error message. */
export const MAX_VENDOR_TEXT = 300;

/** Replaces every occurrence of each secret in `text`, longest first so that one secret inside another is masked whole. */
export function redactText(text: string, secrets: Iterable<string | undefined>): string {
  const masked = [...new Set([...secrets].filter(isMaskable))].sort((a, b) => b.length - a.length);
  return masked.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/** Redacts, then cuts vendor text to `MAX_VENDOR_TEXT` characters. */
export function redactVendorText(text: string, secrets: Iterable<string | undefined>): string {
  const redacted = redactText(text, secrets);
  return redacted.length > MAX_VENDOR_TEXT ? `${redacted.slice(0, MAX_VENDOR_TEXT)}…` : redacted;
}

function isMaskable(value: string | undefined): value is string {
  return typeof value === "string" && value.length >= SHORTEST_MASKED;
}

/**
 * The secrets one provider process has seen: tokens and the plaintext key secrets Flashback
 * returned. Every text that may reach a message goes through `redact` first.
 */
export class SecretRegistry {
  readonly #secrets = new Set<string>();

  add(...values: Array<string | undefined>): void {
    for (const value of values) {
      if (isMaskable(value)) this.#secrets.add(value);
    }
  }

  redact(text: string): string {
    return redactText(text, this.#secrets);
  }

  redactVendorText(text: string): string {
    return redactVendorText(text, this.#secrets);
  }
}
