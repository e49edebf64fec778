import { ACCESS_TYPES, type AccessType } from "../types/api";
import { isNonEmptyString } from "../utils/is-non-empty-string";
import { badBody } from "./refusal";

/** How the adapter signs in to Flashback for one rotation: taken from the request, never kept. */
export type FlashbackCredential =
  | { kind: "password"; email: string; password: string }
  | { kind: "refreshToken"; refreshToken: string }
  | { kind: "accessToken"; accessToken: string };

/** `inputs.request` of the environment's `fn::rotate::external`. */
export interface RotationRequest {
  repoId: string;
  accessType: AccessType;
  /** The keys' base name; each key's full name adds the environment, repository and generation. */
  name: string;
  credential: FlashbackCredential;
}

/** The adapter's answer, which ESC stores as the state and shows consumers under `current`. */
export interface RotationAnswer {
  id: string;
  key: string;
  secret: string;
  name: string;
  createdAt: string;
  generation: number;
  previous: { id: string; key: string; name: string } | null;
}

const REQUEST_FIELDS = ["repoId", "accessType", "name", "email", "password", "refreshToken", "accessToken"];
const STATE_FIELDS = ["id", "key", "secret", "name", "createdAt", "generation", "previous"];
const PREVIOUS_FIELDS = ["id", "key", "name"];
/** Longest base name taken: the full name adds the environment, repository and generation to it. */
const MAX_BASE_NAME = 64;

/** The body ESC sends, `{request, state}` and nothing else, or a 400 naming the field that is wrong (never its value). */
export function parseRotationBody(rawBody: Buffer): { request: RotationRequest; state: RotationAnswer | null } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw badBody("the body is not JSON");
  }
  const top = exactObject(body, ["request", "state"], "the body");
  for (const field of ["request", "state"]) if (!(field in top)) throw badBody(`the body lacks ${field}`);
  return { request: parseRequest(top.request), state: top.state === null ? null : parseState(top.state) };
}

function parseRequest(value: unknown): RotationRequest {
  const request = exactObject(value, REQUEST_FIELDS, "request");
  for (const field of ["repoId", "name"]) {
    if (!isNonEmptyString(request[field])) throw badBody(`request.${field} must be a non-empty string`);
  }
  if ((request.name as string).length > MAX_BASE_NAME) throw badBody(`request.name must be at most ${MAX_BASE_NAME} characters`);
  // "~" separates the parts of a key's name: a base name holding one could pass for another environment's.
  if ((request.name as string).includes("~")) throw badBody("request.name must not contain ~");
  if (!ACCESS_TYPES.includes(request.accessType as AccessType)) throw badBody(`request.accessType must be ${ACCESS_TYPES.join(", ")}`);
  return {
    repoId: request.repoId as string,
    accessType: request.accessType as AccessType,
    name: request.name as string,
    credential: parseCredential(request),
  };
}

function parseCredential(request: Record<string, unknown>): FlashbackCredential {
  const given = ["email", "password", "refreshToken", "accessToken"].filter((field) => field in request);
  const one = (fields: string[]): boolean => given.length === fields.length && fields.every((field) => given.includes(field));
  for (const field of given) if (!isNonEmptyString(request[field])) throw badBody(`request.${field} must be a non-empty string`);
  if (one(["email", "password"])) return { kind: "password", email: request.email as string, password: request.password as string };
  if (one(["refreshToken"])) return { kind: "refreshToken", refreshToken: request.refreshToken as string };
  if (one(["accessToken"])) return { kind: "accessToken", accessToken: request.accessToken as string };
  throw badBody("request must hold exactly one Flashback credential: email with password, refreshToken, or accessToken");
}

function parseState(value: unknown): RotationAnswer {
  const state = exactObject(value, STATE_FIELDS, "state");
  for (const field of ["id", "name"]) if (!isNonEmptyString(state[field])) throw badBody(`state.${field} must be a non-empty string`);
  for (const field of ["key", "secret", "createdAt"])
    if (typeof state[field] !== "string") throw badBody(`state.${field} must be a string`);
  if (!Number.isSafeInteger(state.generation) || (state.generation as number) < 1) {
    throw badBody("state.generation must be a whole number of at least 1");
  }
  let previous: RotationAnswer["previous"] = null;
  if (state.previous !== null) {
    const given = exactObject(state.previous, PREVIOUS_FIELDS, "state.previous");
    for (const field of PREVIOUS_FIELDS) if (typeof given[field] !== "string") throw badBody(`state.previous.${field} must be a string`);
    previous = { id: given.id as string, key: given.key as string, name: given.name as string };
  }
  return {
    id: state.id as string,
    key: state.key as string,
    secret: state.secret as string,
    name: state.name as string,
    createdAt: state.createdAt as string,
    generation: state.generation as number,
    previous,
  };
}

/** An object with no field but `allowed` (all of `allowed` for the state: the adapter's own answer). */
function exactObject(value: unknown, allowed: string[], where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badBody(`${where} must be a JSON object`);
  const unknown = Object.keys(value).find((field) => !allowed.includes(field));
  if (unknown !== undefined) throw badBody(`${where} has a field this adapter does not take (allowed: ${allowed.join(", ")})`);
  if (where.startsWith("state")) {
    const missing = allowed.find((field) => !(field in value));
    if (missing !== undefined) throw badBody(`${where} lacks ${missing}`);
  }
  return value as Record<string, unknown>;
}
