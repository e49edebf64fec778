import { InputError } from "../errors/input-error";

/** What `pulumi import flashback:index:RepoApiKey <name> <id>` takes as id: Flashback needs the repository to find a key. */
export const IMPORT_ID_FORMAT = "<repoId>/<keyId>";

/** Splits an import id at its last "/", so a repository id may hold one; the key id (a UUID) never does. */
export function parseImportId(importId: string): { repoId: string; keyId: string } {
  const slash = importId.lastIndexOf("/");
  const repoId = importId.slice(0, Math.max(slash, 0)).trim();
  const keyId = importId.slice(slash + 1).trim();
  if (slash < 0 || repoId === "" || keyId === "") {
    throw new InputError([
      { property: "id", reason: `import id "${importId}" must be ${IMPORT_ID_FORMAT}, e.g. repo-123/0e175506-ce49-44cd-a83d-3ab6b56ff4f5` },
    ]);
  }
  return { repoId, keyId };
}

/**
 * What a Read given only an id (a generated SDK's `exists()`) names: `<repoId>/<keyId>`, or a key's
 * own id with the `repoId` passed beside it, as the key's stored id is.
 */
export function parseLookupId(id: string, repoId: unknown): { repoId: string; keyId: string } {
  if (id.includes("/")) return parseImportId(id);
  if (typeof repoId === "string" && repoId.trim() !== "" && id.trim() !== "") return { repoId: repoId.trim(), keyId: id.trim() };
  throw new InputError([
    {
      property: "id",
      reason: `key id "${id}" alone does not say which repository holds it: give it as ${IMPORT_ID_FORMAT}, e.g. repo-123/${id}, or pass repoId beside it`,
    },
  ]);
}
