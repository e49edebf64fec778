/** Secrets shorter than this are not masked, as in redact.ts: they would mangle ordinary words. */
const PREFIX = 6;

/**
 * Secrets indexed by their first characters, so that masking a text costs one pass over it however
 * many secrets are known: the SDK runtime logs a line per resource, and a stack may hold thousands of keys.
 */
export class SecretIndex {
  readonly #byPrefix = new Map<string, string[]>();
  /** A hash of the first three characters of each secret as one number: a test that spares most positions building a string. */
  readonly #starts = new Set<number>();

  add(value: string): void {
    if (value.length < PREFIX) return;
    this.#starts.add(startAt(value, 0));
    const prefix = value.slice(0, PREFIX);
    const known = this.#byPrefix.get(prefix) ?? [];
    // Longest first, so that one secret inside another is masked whole.
    if (!known.includes(value))
      this.#byPrefix.set(
        prefix,
        [...known, value].sort((a, b) => b.length - a.length),
      );
  }

  /** `text` with every known secret replaced by `mask`. */
  mask(text: string, mask: string): string {
    if (this.#byPrefix.size === 0) return text;
    let result = "";
    let copied = 0;
    for (let at = 0; at <= text.length - PREFIX;) {
      const found = !this.#starts.has(startAt(text, at))
        ? undefined
        : this.#byPrefix.get(text.slice(at, at + PREFIX))?.find((secret) => text.startsWith(secret, at));
      if (found === undefined) {
        at += 1;
        continue;
      }
      result += text.slice(copied, at) + mask;
      at += found.length;
      copied = at;
    }
    return result + text.slice(copied);
  }
}

function startAt(text: string, at: number): number {
  return ((text.charCodeAt(at) * 1031 + text.charCodeAt(at + 1)) * 1031 + text.charCodeAt(at + 2)) & 0x3fffffff;
}
