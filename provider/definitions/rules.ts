import type { Rule } from "./property";

/** Flashback documents no bound; 255 is what common databases index, and keeps a name readable in a console. */
export const MAX_NAME_LENGTH = 255;
export const MAX_REPO_ID_LENGTH = 128;
export const MAX_ROTATION_TRIGGER_LENGTH = 1024;

/** The name prefix of a create's reservation (lifecycle/reservation.ts), which no user's key may take. */
export const RESERVATION_PREFIX = "pulumi-pending-";

/* Control characters are refused in every field: they hide in consoles and break log lines. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const notBlank: Rule = (value) => (value.trim() === "" ? "must not be empty or only whitespace" : undefined);
const noControlCharacters: Rule = (value) => (CONTROL_CHARACTERS.test(value) ? "must not contain control characters" : undefined);
const atMost =
  (length: number): Rule =>
  (value) =>
    value.length > length ? `must be at most ${length} characters; got ${value.length}` : undefined;

/** A repository id goes into a URL path: nothing that could leave its segment. */
export const REPO_ID_RULES: readonly Rule[] = [
  notBlank,
  (value) => (value !== value.trim() ? "must not start or end with whitespace" : undefined),
  (value) => (/[/\\?#]/.test(value) ? 'must not contain "/", "\\", "?" or "#"' : undefined),
  (value) => (value.includes("..") ? 'must not contain ".."' : undefined),
  (value) => (CONTROL_CHARACTERS.test(value) || /\s/.test(value) ? "must not contain whitespace or control characters" : undefined),
  atMost(MAX_REPO_ID_LENGTH),
];

export const KEY_NAME_RULES: readonly Rule[] = [
  notBlank,
  atMost(MAX_NAME_LENGTH),
  noControlCharacters,
  (value) =>
    value.trimStart().startsWith(RESERVATION_PREFIX)
      ? `must not start with "${RESERVATION_PREFIX}": that prefix marks the keys of interrupted creates, which deployments delete`
      : undefined,
];

/** A non-empty text without control characters: a key's id or name to look up. */
export const TEXT_RULES: readonly Rule[] = [notBlank, noControlCharacters];

export const ROTATION_TRIGGER_RULES: readonly Rule[] = [atMost(MAX_ROTATION_TRIGGER_LENGTH)];
