import type * as pulumi from "@pulumi/pulumi";

/*
 * A resource's or function's properties, declared once; types, Check, the diff, the schema and the
 * mocks derive from them. Unlike pulumi-go-provider's `infer`, which reads Go types at run time, the
 * object comes first: TypeScript keeps no types to read.
 */

/** A property's type in Pulumi's schema; `integer` is a number that must be whole. */
type PropertyType = "string" | "number" | "integer" | "boolean" | "array";

/**
 * What a change of an input does to the resource: `update` in place; `replace` (a new value
 * replaces it, removing it replaces nothing); `replace-always` (any change, removal included).
 */
export type OnChange = "update" | "replace" | "replace-always";

/** A rule on a string value: the reason it fails, without the property's name, or undefined. */
export type Rule = (value: string) => string | undefined;

export interface PropertyDefinition {
  readonly type: PropertyType;
  readonly description: string;
  readonly required?: true;
  /** Encrypted in the state and masked, whatever the program says. */
  readonly secret?: true;
  /** The only values allowed, and the schema type (an enum) that names them. */
  readonly values?: readonly string[];
  readonly schemaType?: string;
  /** An array's items: the schema type (an object) each one is. */
  readonly items?: string;
  readonly onChange?: OnChange;
  /** Checked in order on a known string value; the first reason refuses it. */
  readonly rules?: readonly Rule[];
  /**
   * Refusals of this input name it in their reason but fail under no property: the engine prints a
   * failing property's value, and a value refused here may be a secret pasted by mistake.
   */
  readonly refusedUnnamed?: true;
}

export type PropertyDefinitions = Readonly<Record<string, PropertyDefinition>>;

/** A resource or function: its inputs and what it answers. */
export interface Definition {
  readonly token: string;
  readonly description: string;
  readonly inputs: PropertyDefinitions;
  readonly outputs: PropertyDefinitions;
  /** A component resource: its outputs are the resource's properties, not its inputs. */
  readonly component?: true;
}

type ValueOf<P extends PropertyDefinition> = P extends { values: readonly (infer V)[] }
  ? V
  : P["type"] extends "string"
    ? string
    : P["type"] extends "boolean"
      ? boolean
      : P["type"] extends "array"
        ? unknown[]
        : number;

type RequiredNames<D extends PropertyDefinitions> = { [K in keyof D]: D[K] extends { required: true } ? K : never }[keyof D];
type OptionalNames<D extends PropertyDefinitions> = Exclude<keyof D, RequiredNames<D>>;
/** One object type rather than an intersection, as a user's editor shows it. */
type Flat<T> = { [K in keyof T]: T[K] };

/*
 * The derived types map over `keyof D` (filtered with `as`), so that each property's doc comment in
 * a definition is what a user's editor shows on the derived type's field.
 */

/** The plain values of a definition's properties, as the lifecycle holds them once checked. */
export type ValuesOf<D extends PropertyDefinitions> = Flat<
  { -readonly [K in keyof D as K extends RequiredNames<D> ? K : never]: ValueOf<D[K]> } & {
    -readonly [K in keyof D as K extends OptionalNames<D> ? K : never]?: ValueOf<D[K]>;
  }
>;

/** The arguments a program gives: each value may be an Output. */
export type ArgsOf<D extends PropertyDefinitions> = Flat<
  { -readonly [K in keyof D as K extends RequiredNames<D> ? K : never]: pulumi.Input<ValueOf<D[K]>> } & {
    -readonly [K in keyof D as K extends OptionalNames<D> ? K : never]?: pulumi.Input<ValueOf<D[K]>>;
  }
>;

/** What a resource answers for its inputs: each one, read only, as an Output (undefined where an optional one is not set). */
export type OutputsOf<D extends PropertyDefinitions> = {
  readonly [K in keyof D]: pulumi.Output<D[K] extends { required: true } ? ValueOf<D[K]> : ValueOf<D[K]> | undefined>;
};

/** Whether `value` is of the property's type (an integer: a whole number). */
export function hasType(property: PropertyDefinition, value: unknown): boolean {
  switch (property.type) {
    case "string":
    case "boolean":
      return typeof value === property.type;
    case "array":
      return Array.isArray(value);
    default:
      return typeof value === "number" && (property.type === "number" || Number.isInteger(value));
  }
}

/** The values `given` holds for each of `properties`, undefined where it has none; nothing else it holds. */
export function pickProperties(properties: PropertyDefinitions, given: object): Record<string, unknown> {
  return Object.fromEntries(Object.keys(properties).map((name) => [name, (given as Record<string, unknown>)[name]]));
}

function namesOf(properties: PropertyDefinitions, which: (property: PropertyDefinition) => boolean = () => true): string[] {
  return Object.entries(properties)
    .filter(([, property]) => which(property))
    .map(([name]) => name);
}

export const requiredNames = (properties: PropertyDefinitions): string[] => namesOf(properties, (property) => property.required === true);

export const changingBy = (properties: PropertyDefinitions, onChange: OnChange): string[] =>
  namesOf(properties, (property) => property.onChange === onChange);
