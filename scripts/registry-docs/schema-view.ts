import { packageSchema } from "../../provider/plugin/schema";

/** The parts of the package schema the registry pages are written from. */
export interface SchemaProperty {
  type: string;
  description: string;
  secret?: boolean;
  $ref?: string;
  willReplaceOnChanges?: boolean;
}

export interface SchemaResource {
  description: string;
  inputProperties: Record<string, SchemaProperty>;
  properties: Record<string, SchemaProperty>;
  requiredInputs: string[];
}

export interface SchemaView {
  name: string;
  displayName: string;
  version: string;
  description: string;
  repository: string;
  pluginDownloadURL: string;
  config: { variables: Record<string, SchemaProperty> };
  types: Record<string, { enum?: { value: string }[] }>;
  resources: Record<string, SchemaResource>;
  language: { python: { packageName: string }; go: { importBasePath: string } };
}

/** packageSchema, seen through the fields the pages read (schema.ts builds it as plain JSON). */
export function schemaView(version: string): SchemaView {
  return packageSchema(version) as unknown as SchemaView;
}

/** `string`, or the enum's values for a property that names a type of the schema. */
export function typeText(schema: SchemaView, property: SchemaProperty): string {
  const values = property.$ref === undefined ? undefined : schema.types[property.$ref.replace(/^#\/types\//, "")]?.enum;
  return values === undefined ? property.type : values.map(({ value }) => `"${value}"`).join(" | ");
}
