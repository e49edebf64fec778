/*
 * docs/_index.md, the package's overview page in Pulumi's registry: what the package is, one
 * program in every language the suites run, and the resource's properties as the schema has them.
 */
import { REPO_API_KEY_TOKEN, ROTATION_SCHEDULE_TOKEN } from "../../provider/definitions/tokens";
import { examplePrograms } from "./example-programs";
import { chooser, frontMatter, table } from "./markdown";
import { typeText, type SchemaView } from "./schema-view";

export function overviewPage(schema: SchemaView): string {
  return [
    frontMatter(
      schema.displayName,
      `Provides an overview of the ${schema.displayName} provider for Pulumi, which manages Flashback repository API keys.`,
    ),
    `${schema.description} The ${schema.displayName} provider manages them as Pulumi resources: ` +
      "each key is declared in code, created by `pulumi up`, kept encrypted in the state, updated in place, replaced without a gap " +
      "and revoked by `pulumi destroy`. The provider must be configured with a Flashback token " +
      "(see [Installation & Configuration](./installation-configuration/)).",
    "TypeScript and JavaScript programs use the package `@flashbacktech/pulumi`, whose `RepoApiKey` is a dynamic resource: " +
      "no plugin to install. Python, Go and YAML programs use the provider plugin `pulumi-resource-flashback` and its resource " +
      `\`${REPO_API_KEY_TOKEN}\`, which the CLI downloads by itself for Python and Go; YAML programs install it once (see Installation).`,
    "## Example",
    "The TypeScript program declares one key per access level; the Python, Go and YAML programs a reader, and a writer that is " +
      "replaced whenever the reader is. Each exports the secrets, which the CLI masks and the state holds encrypted.",
    chooser(examplePrograms()),
    ...resourceSection(schema, REPO_API_KEY_TOKEN, "Every input is an output too, as Flashback has it (`pulumi refresh` reads it back)."),
    ...resourceSection(
      schema,
      ROTATION_SCHEDULE_TOKEN,
      "`everyDays` is an output too. The output `rotation` is the schedule's number: it starts at the input `rotation` (or 0) and goes up " +
        "by one at the first deployment from `nextRotationAfter` on, or when the input `rotation` went up; any other deployment changes nothing. " +
        "TypeScript's `RotationSchedule` (type `pulumi-nodejs:dynamic/flashback:RotationSchedule`) runs the same rule.",
    ),
  ].join("\n\n");
}

/** One resource of the schema: its description, its inputs and what it adds as outputs. */
function resourceSection(schema: SchemaView, token: string, closing: string): string[] {
  const resource = schema.resources[token]!;
  return [
    `## ${token}`,
    resource.description,
    "### Inputs",
    table(
      ["input", "type", "required", "on change", "description"],
      Object.entries(resource.inputProperties).map(([name, property]) => [
        `\`${name}\``,
        typeText(schema, property),
        resource.requiredInputs.includes(name) ? "yes" : "no",
        property.willReplaceOnChanges === true ? "replace" : "update in place",
        property.description,
      ]),
    ),
    "### Outputs",
    table(
      ["output", "type", "secret", "description"],
      Object.entries(resource.properties)
        .filter(([name]) => !(name in resource.inputProperties))
        .map(([name, property]) => [
          `\`${name}\``,
          typeText(schema, property),
          property.secret === true ? "yes" : "no",
          property.description,
        ]),
    ),
    closing,
  ];
}
