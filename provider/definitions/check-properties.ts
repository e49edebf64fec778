import { UNKNOWN_VALUE } from "../engine/unknown-value";
import { describeType } from "../utils/describe-type";
import { hasType, type PropertyDefinitions, type PropertyDefinition, type Rule } from "./property";

/** One refused input: the field, and a sentence that names it and says what is allowed. */
export interface InputFailure {
  property: string;
  reason: string;
}

/** The reason a missing string is refused, whether a definition or a function's argument asks for it. */
const REQUIRED_STRING = "is required: give a non-empty string";

/** Reports a failure of `property`; `reason` does not name it. */
export type Fail = (property: string, reason: string) => void;

/**
 * Checks each property of `properties` in `values` by its definition, without any network call:
 * every failure names its field and says what is allowed. Unknown values (preview) pass.
 */
export function checkProperties(properties: PropertyDefinitions, values: Readonly<Record<string, unknown>>): InputFailure[] {
  const failures: InputFailure[] = [];
  for (const [name, property] of Object.entries(properties)) {
    checkProperty(name, property, values[name], (field, reason) =>
      failures.push({ property: property.refusedUnnamed === true ? "" : field, reason: `${field} ${reason}` }),
    );
  }
  return failures;
}

function checkProperty(name: string, property: PropertyDefinition, value: unknown, fail: Fail): void {
  if (value === UNKNOWN_VALUE) return;
  if (property.values !== undefined) return checkOneOf(name, property.values, property.required === true, value, fail);
  if (value === undefined || value === null) {
    if (property.required === true) fail(name, property.type === "string" ? REQUIRED_STRING : `is required: give a ${property.type}`);
    return;
  }
  if (property.type === "string") return checkString(name, value, property.rules ?? [], fail);
  if (!hasType(property, value))
    fail(name, `must be ${property.type === "integer" ? "a whole number" : `a ${property.type}`}; got ${describeType(value)}`);
}

/** A string value (`value` not missing) against its rules; the first reason refuses it. */
export function checkString(name: string, value: unknown, rules: readonly Rule[], fail: Fail): void {
  if (value === UNKNOWN_VALUE) return;
  if (value === undefined || value === null) return fail(name, REQUIRED_STRING);
  if (typeof value !== "string") return fail(name, `must be a string; got ${describeType(value)}`);
  for (const rule of rules) {
    const reason = rule(value);
    if (reason !== undefined) return fail(name, reason);
  }
}

function checkOneOf(name: string, allowed: readonly string[], required: boolean, value: unknown, fail: Fail): void {
  const list = allowed.join(", ");
  if (value === undefined || value === null) {
    if (required) fail(name, `is required: one of ${list}`);
    return;
  }
  if (!allowed.includes(value as string)) {
    fail(name, `must be one of ${list}; got ${typeof value === "string" ? JSON.stringify(value) : describeType(value)}`);
  }
}
