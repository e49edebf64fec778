import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import type { ArgsOf, Definition, OnChange, OutputsOf, PropertyDefinition } from "../../provider/definitions/property";
import type { RepoApiKey } from "../../provider/resources/repo-api-key";
import { REPO_API_KEY, SECRET_OUTPUTS, type RepoApiKeyArgs } from "../../provider/definitions/repo-api-key";
import { ROTATING_REPO_API_KEY, type RotatingRepoApiKeyArgs } from "../../provider/definitions/rotating-repo-api-key";
import { MAX_EVERY_DAYS, ROTATION_SCHEDULE, type RotationScheduleArgs } from "../../provider/definitions/rotation-schedule";
import { type GET_REPO_API_KEYS, type GET_REPO_API_KEY } from "../../provider/definitions/key-functions";
import { MAX_NAME_LENGTH, MAX_REPO_ID_LENGTH, MAX_ROTATION_TRIGGER_LENGTH } from "../../provider/definitions/rules";
import type * as RepoApiKeyDefinition from "../../provider/definitions/repo-api-key";
import type { GetRepoApiKeyArgs, GetRepoApiKeysArgs } from "../../provider";

/*
 * Each resource and function is declared once (provider/definitions/). A throwaway optional input
 * added to RepoApiKey's definition must reach Check, the diff, the plugin's schema, the TypeScript
 * arguments, the dynamic resource's inputs and the testing mocks, with no other edit; and what is
 * generated or written from the definitions (the SDKs, the user guide) must name every input.
 */

const ROOT = join(__dirname, "..", "..");
const THROWAWAY = {
  type: "string",
  onChange: "update",
  description: "A throwaway input of the drift test.",
} as const satisfies PropertyDefinition;

const valid = { repoId: "repo-1", name: "reader", accessType: "READ" };

/** The modules that derive from RepoApiKey's definition, loaded afresh over a definition that has the throwaway input. */
async function withThrowawayInput(throwaway: PropertyDefinition = THROWAWAY) {
  vi.resetModules();
  vi.doMock("../../provider/definitions/repo-api-key", async (importOriginal) => {
    const original = await importOriginal<typeof RepoApiKeyDefinition>();
    return { ...original, REPO_API_KEY: { ...original.REPO_API_KEY, inputs: { ...original.REPO_API_KEY.inputs, throwaway } } };
  });
  return {
    check: await import("../../provider/lifecycle/check-inputs.js"),
    diff: await import("../../provider/lifecycle/diff-inputs.js"),
    outputs: await import("../../provider/lifecycle/to-outputs.js"),
    schema: await import("../../provider/plugin/schema.js"),
    testing: await import("../../provider/testing/index.js"),
    resource: await import("../../provider/resources/repo-api-key.js"),
  };
}

afterEach(() => {
  vi.doUnmock("../../provider/definitions/repo-api-key");
  vi.resetModules();
});

describe("a throwaway optional input added to RepoApiKey's definition alone", () => {
  it("is checked by its type and kept by Check", async () => {
    const { check } = await withThrowawayInput();
    expect(check.checkInputs({ ...valid, throwaway: 5 }).failures).toEqual([
      { property: "throwaway", reason: "throwaway must be a string; got a number" },
    ]);
    expect(check.checkInputs({ ...valid, throwaway: "t" })).toEqual({ inputs: { ...valid, throwaway: "t" }, failures: [] });
  });

  it("is an in-place update to the diff, and stored by the lifecycle's outputs", async () => {
    const { diff, outputs } = await withThrowawayInput();
    const stored = { ...valid, key: "k", secret: "s" } as Parameters<typeof diff.diffInputs>[0];
    expect(diff.diffInputs(stored, { ...valid, throwaway: "t" })).toMatchObject({ changes: true, replaces: [], updates: ["throwaway"] });
    expect(outputs.pickInputs({ ...valid, throwaway: "t" } as Parameters<typeof outputs.pickInputs>[0])).toEqual({
      ...valid,
      throwaway: "t",
    });
  });

  it("is in the plugin's schema, optional, with its description", async () => {
    const { schema } = await withThrowawayInput();
    const resource = (schema.packageSchema("0.0.0") as { resources: Record<string, Record<string, unknown>> }).resources[
      REPO_API_KEY.token
    ];
    expect(resource?.inputProperties).toMatchObject({ throwaway: { type: "string", description: THROWAWAY.description } });
    expect(resource?.properties).toHaveProperty("throwaway");
    expect(resource?.requiredInputs).not.toContain("throwaway");
  });

  it("reaches the mocks through the dynamic resource a program constructs", async () => {
    const { testing, resource } = await withThrowawayInput();
    const seen: Record<string, unknown>[] = [];
    await pulumi.runtime.setMocks(
      { ...testing.repoApiKeyMocks(), newResource: (args) => (seen.push(args.inputs), testing.repoApiKeyMocks().newResource(args)) },
      "project",
      "stack",
    );
    const key = new resource.RepoApiKey("drift", { ...valid, accessType: "READ", throwaway: "t" } as RepoApiKeyArgs);
    const state = await new Promise((resolve) => pulumi.all([key.id, key.urn]).apply(() => resolve(seen[0])));
    expect(state).toMatchObject({ throwaway: "t" });
    expect(
      testing
        .repoApiKeyMocks()
        .newResource({ type: testing.REPO_API_KEY_TYPE, name: "m", inputs: { ...valid, throwaway: "t" }, custom: true }),
    ).toMatchObject({ state: { throwaway: "t" } });
  });

  it("is an optional argument of the TypeScript type derived from the definition (checked by tsc)", () => {
    type Inputs = typeof REPO_API_KEY.inputs & { readonly throwaway: typeof THROWAWAY };
    expectTypeOf<ArgsOf<Inputs>>().toHaveProperty("throwaway");
    expectTypeOf<ArgsOf<Inputs>["throwaway"]>().toEqualTypeOf<pulumi.Input<string> | undefined>();
    expectTypeOf<OutputsOf<Inputs>["throwaway"]>().toEqualTypeOf<pulumi.Output<string | undefined>>();
  });
});

describe("a throwaway input's change, as its definition says, reaches the diff and the schema", () => {
  const stored = { ...valid, throwaway: "old", key: "k", secret: "s" };
  const cases: [OnChange, { changed: object; removed: object; willReplaceOnChanges: boolean | undefined }][] = [
    [
      "update",
      {
        changed: { updates: ["throwaway"], replaces: [] },
        removed: { updates: ["throwaway"], replaces: [] },
        willReplaceOnChanges: undefined,
      },
    ],
    ["replace", { changed: { replaces: ["throwaway"] }, removed: { changes: false, replaces: [] }, willReplaceOnChanges: true }],
    ["replace-always", { changed: { replaces: ["throwaway"] }, removed: { replaces: ["throwaway"] }, willReplaceOnChanges: true }],
  ];

  it.each(cases)("%s", async (onChange, expected) => {
    const { diff, schema } = await withThrowawayInput({ ...THROWAWAY, onChange });
    const diffOf = (news: object) => diff.diffInputs(stored as Parameters<typeof diff.diffInputs>[0], news as Record<string, unknown>);
    expect(diffOf({ ...valid, throwaway: "new" })).toMatchObject({ changes: true, ...expected.changed });
    expect(diffOf(valid)).toMatchObject(expected.removed);
    expect(diffOf({ ...valid, throwaway: "old" })).toMatchObject({ changes: false });
    const resource = (schema.packageSchema("0.0.0") as { resources: Record<string, { inputProperties: Record<string, object> }> })
      .resources[REPO_API_KEY.token];
    expect(resource?.inputProperties.throwaway).toEqual({
      type: "string",
      description: THROWAWAY.description,
      ...(expected.willReplaceOnChanges ? { willReplaceOnChanges: true } : {}),
    });
  });

  it("a required one is refused when missing and required by the schema", async () => {
    const { check, schema } = await withThrowawayInput({ ...THROWAWAY, required: true });
    expect(check.checkInputs(valid).failures).toEqual([
      { property: "throwaway", reason: "throwaway is required: give a non-empty string" },
    ]);
    const resource = (schema.packageSchema("0.0.0") as { resources: Record<string, { requiredInputs: string[] }> }).resources[
      REPO_API_KEY.token
    ];
    expect(resource?.requiredInputs).toContain("throwaway");
  });
});

describe("the secret outputs", () => {
  it("registered on every RepoApiKey are the outputs its definition marks secret", () => {
    const marked = Object.entries(REPO_API_KEY.outputs).filter(([, property]) => "secret" in property && property.secret === true);
    expect([...SECRET_OUTPUTS].sort()).toEqual(marked.map(([name]) => name).sort());
  });
});

describe("the TypeScript arguments are the definitions' inputs (checked by tsc)", () => {
  it("for each resource and function", () => {
    expectTypeOf<keyof RepoApiKeyArgs>().toEqualTypeOf<keyof typeof REPO_API_KEY.inputs>();
    // And the dynamic RepoApiKey answers each input as a read-only Output.
    expectTypeOf<RepoApiKey>().toExtend<OutputsOf<typeof REPO_API_KEY.inputs>>();
    expectTypeOf<keyof RotatingRepoApiKeyArgs>().toEqualTypeOf<keyof typeof ROTATING_REPO_API_KEY.inputs>();
    expectTypeOf<keyof RotationScheduleArgs>().toEqualTypeOf<keyof typeof ROTATION_SCHEDULE.inputs>();
    // The functions' arguments are written by hand: getRepoApiKey's say "id or name, not both", which no definition expresses.
    expectTypeOf<keyof GetRepoApiKeysArgs>().toEqualTypeOf<keyof typeof GET_REPO_API_KEYS.inputs>();
    expectTypeOf<keyof GetRepoApiKeyArgs>().toEqualTypeOf<keyof typeof GET_REPO_API_KEY.inputs>();
  });
});

describe("the TypeScript types a user's editor shows", () => {
  /** Each field of each exported type, with the doc comment an editor shows on it. */
  function fieldDocs(): Map<string, string> {
    const entry = join(ROOT, "provider", "index.ts");
    const program = ts.createProgram([entry], {
      strict: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const docs = new Map<string, string>();
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const field of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
        docs.set(`${exported.name}.${field.name}`, ts.displayPartsToString(field.getDocumentationComment(checker)));
      }
    }
    return docs;
  }

  it("document every input on the derived arguments and the dynamic RepoApiKey's outputs with its description, word for word", () => {
    const docs = fieldDocs();
    const fields: [string, Definition][] = [
      ["RepoApiKeyArgs", REPO_API_KEY],
      ["RepoApiKey", REPO_API_KEY],
      ["RotatingRepoApiKeyArgs", ROTATING_REPO_API_KEY],
      ["RotationScheduleArgs", ROTATION_SCHEDULE],
    ];
    const words = (text: string): string => text.replace(/\s+/g, " ").trim();
    // One text for every language: what an editor shows a TypeScript user is what the schema gives the SDKs and the registry.
    const differing = fields.flatMap(([type, definition]) =>
      Object.entries(definition.inputs)
        .filter(([name, property]) => words(docs.get(`${type}.${name}`) ?? "") !== words(property.description))
        .map(([name]) => `${type}.${name}`),
    );
    expect(differing).toEqual([]);
  }, 60_000);
});

describe("what is generated or written from the definitions names every input", () => {
  const read = (path: string): string => readFileSync(join(ROOT, path), "utf8");
  const snake = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  const resources: [string, Definition, string, string][] = [
    ["RepoApiKey", REPO_API_KEY, "repo_api_key.py", "repoApiKey.go"],
    ["RotatingRepoApiKey", ROTATING_REPO_API_KEY, "rotating_repo_api_key.py", "rotatingRepoApiKey.go"],
    ["RotationSchedule", ROTATION_SCHEDULE, "rotation_schedule.py", "rotationSchedule.go"],
  ];

  it.each(resources)("%s: the committed Python and Go SDKs (npm run gen:sdks)", (_name, definition, python, go) => {
    const pythonSdk = read(`sdk/python/pulumi_flashback/${python}`);
    const goSdk = read(`sdk/go/flashback/${go}`);
    for (const [name, property] of Object.entries(definition.inputs)) {
      expect(pythonSdk, `${python}: ${name}`).toContain(`${snake(name)}: pulumi.Input[`);
      expect(pythonSdk, `${python}: ${name}`).toContain(property.description);
      expect(goSdk, `${go}: ${name}`).toContain(`pulumi:"${name}"`);
    }
  });

  it("RepoApiKey's user guide (docs/repo-api-key.md) has a row for each input, with the limits the rules hold", () => {
    const guide = read("docs/repo-api-key.md");
    const row = (name: string): string => new RegExp(`^\\| \`${name}\`.*$`, "m").exec(guide)?.[0] ?? "";
    for (const name of Object.keys(REPO_API_KEY.inputs)) expect(row(name), name).not.toBe("");
    const limits: [string, number][] = [
      ["repoId", MAX_REPO_ID_LENGTH],
      ["name", MAX_NAME_LENGTH],
      ["rotateWhenChanged", MAX_ROTATION_TRIGGER_LENGTH],
    ];
    for (const [name, limit] of limits) expect(row(name), name).toContain(`${limit.toLocaleString("en-US")} characters`);
    expect(read("docs/rotation.md")).toContain(`at most ${MAX_EVERY_DAYS.toLocaleString("en-US")};`);
  });
});
