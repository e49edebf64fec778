import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020, { type ErrorObject } from "ajv/dist/2020";
import { PULUMI_CLI_VERSION } from "../../testkit/find-pulumi-cli";

/*
 * Pulumi's package metaschema (JSON Schema draft 2020-12), read where `npm run setup:pulumi` leaves
 * it: the Go module cache, in github.com/pulumi/pulumi/pkg/v3 at the version tools/pulumi/go.mod
 * pins. Read, not copied, so that it is always the one of the CLI the suites run.
 */

const METASCHEMA_IN_MODULE = join("codegen", "schema", "pulumi.json");

/** The metaschema's file, or why there is none. */
export function findPulumiMetaschema(): { path: string } | { missing: string } {
  let moduleCache: string;
  try {
    moduleCache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  } catch {
    return { missing: "no go on PATH to find the Go module cache; install Go and run npm run setup:pulumi" };
  }
  const path = join(moduleCache, "github.com", "pulumi", "pulumi", "pkg", `v3@${PULUMI_CLI_VERSION}`, METASCHEMA_IN_MODULE);
  return existsSync(path) ? { path } : { missing: `no ${path}: run npm run setup:pulumi to download pulumi ${PULUMI_CLI_VERSION}` };
}

/**
 * The metaschema closed where Pulumi reads a key it does not know as nothing: a resource and a
 * property may hold no key besides those the metaschema names (`unevaluatedProperties`, which
 * counts the keys of the object and type definitions they build on). The published one leaves
 * them open, so a field in the wrong place (`replaceOnChanges` on a resource) passes it and does nothing.
 */
function closed(metaschema: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(metaschema) as { $defs: Record<string, Record<string, unknown>> };
  for (const definition of ["resourceSpec", "propertySpec"])
    copy.$defs[definition] = { ...copy.$defs[definition], unevaluatedProperties: false };
  return copy;
}

/** Every way `schema` breaks the metaschema, or the closed one, one readable line each: empty when it is valid. */
export function metaschemaErrors(metaschemaPath: string, schema: unknown, options: { closed: boolean }): string[] {
  const metaschema = JSON.parse(readFileSync(metaschemaPath, "utf8")) as Record<string, unknown>;
  // The metaschema types `const` and `default` as unions, which Ajv's strict mode asks to allow by name.
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, formats: { regex: isRegExp, "uri-reference": true } });
  const validate = ajv.compile(options.closed ? closed(metaschema) : metaschema);
  return validate(schema) ? [] : (validate.errors ?? []).map(describeError);
}

function describeError(error: ErrorObject): string {
  const unknownKey = (error.params as { unevaluatedProperty?: string }).unevaluatedProperty;
  return `${error.instancePath || "/"} ${error.message ?? error.keyword}${unknownKey === undefined ? "" : `: "${unknownKey}"`}`;
}

function isRegExp(text: string): boolean {
  try {
    new RegExp(text, "u");
    return true;
  } catch {
    return false;
  }
}
