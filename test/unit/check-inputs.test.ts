import { describe, expect, it } from "vitest";
import { checkInputs, MAX_NAME_LENGTH, UNKNOWN_VALUE } from "../../provider/lifecycle/check-inputs";
import { pickInputs } from "../../provider/lifecycle/to-outputs";

const valid = { repoId: "repo-1", name: "ci-reader", accessType: "READ" };

describe("checkInputs", () => {
  it.each([
    { name: "missing repoId", news: { ...valid, repoId: undefined }, property: "repoId", reason: "repoId is required" },
    { name: "empty repoId", news: { ...valid, repoId: "" }, property: "repoId", reason: "repoId must not be empty" },
    {
      name: "whitespace repoId",
      news: { ...valid, repoId: "   " },
      property: "repoId",
      reason: "repoId must not be empty or only whitespace",
    },
    { name: "repoId with a slash", news: { ...valid, repoId: "a/b" }, property: "repoId", reason: 'repoId must not contain "/"' },
    { name: "repoId with ..", news: { ...valid, repoId: "a..b" }, property: "repoId", reason: 'repoId must not contain ".."' },
    { name: "repoId as a number", news: { ...valid, repoId: 42 }, property: "repoId", reason: "repoId must be a string; got a number" },
    { name: "missing name", news: { ...valid, name: undefined }, property: "name", reason: "name is required" },
    { name: "empty name", news: { ...valid, name: "" }, property: "name", reason: "name must not be empty" },
    {
      name: "too long name",
      news: { ...valid, name: "x".repeat(MAX_NAME_LENGTH + 1) },
      property: "name",
      reason: `name must be at most ${MAX_NAME_LENGTH} characters; got 256`,
    },
    { name: "name as an object", news: { ...valid, name: { a: 1 } }, property: "name", reason: "name must be a string; got an object" },
    { name: "name as an array", news: { ...valid, name: ["a"] }, property: "name", reason: "name must be a string; got an array" },
    {
      name: "missing accessType",
      news: { ...valid, accessType: undefined },
      property: "accessType",
      reason: "accessType is required: one of READ, WRITE, ADMIN",
    },
    {
      name: "lowercase accessType",
      news: { ...valid, accessType: "read" },
      property: "accessType",
      reason: 'accessType must be one of READ, WRITE, ADMIN; got "read"',
    },
    {
      name: "unknown accessType",
      news: { ...valid, accessType: "OWNER" },
      property: "accessType",
      reason: 'accessType must be one of READ, WRITE, ADMIN; got "OWNER"',
    },
    {
      name: "accessType as a number",
      news: { ...valid, accessType: 1 },
      property: "accessType",
      reason: "accessType must be one of READ, WRITE, ADMIN; got a number",
    },
    {
      name: "rotateWhenChanged as a number",
      news: { ...valid, rotateWhenChanged: 3 },
      property: "rotateWhenChanged",
      reason: "rotateWhenChanged must be a string; got a number",
    },
    {
      name: "too long rotateWhenChanged",
      news: { ...valid, rotateWhenChanged: "r".repeat(1025) },
      property: "rotateWhenChanged",
      reason: "rotateWhenChanged must be at most 1024 characters",
    },
  ])("refuses $name, naming the field", ({ news, property, reason }) => {
    const { failures } = checkInputs(news);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe(property);
    expect(failures[0]?.reason).toContain(reason);
  });

  it("accepts valid inputs and keeps only the three fields", () => {
    const result = checkInputs({ ...valid, key: undefined, extra: "x" });
    expect(result).toEqual({ inputs: valid, failures: [] });
  });

  it("keeps a rotation trigger when one is given", () => {
    expect(checkInputs({ ...valid, rotateWhenChanged: "2026-Q4" }).inputs).toEqual({ ...valid, rotateWhenChanged: "2026-Q4" });
  });

  it("reports every bad field at once", () => {
    const { failures } = checkInputs({ repoId: "", name: "", accessType: "x" });
    expect(failures.map((failure) => failure.property)).toEqual(["repoId", "name", "accessType"]);
  });

  it("lets unknown values pass during preview", () => {
    const news = { repoId: UNKNOWN_VALUE, name: UNKNOWN_VALUE, accessType: UNKNOWN_VALUE };
    expect(checkInputs(news)).toEqual({ inputs: news, failures: [] });
  });
});

describe("pickInputs", () => {
  it("stores the required inputs, and an optional one only when it is of its type", () => {
    const required = { repoId: "r", name: "n", accessType: "READ" as const };
    expect(pickInputs({ ...required, rotateWhenChanged: 5, encryptTo: null } as never)).toEqual(required);
    expect(pickInputs({ ...required, rotateWhenChanged: "r1", extra: "x" } as never)).toEqual({ ...required, rotateWhenChanged: "r1" });
  });
});
