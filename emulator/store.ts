import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";

/** A key as the emulator keeps it. Like Flashback, it does not keep the plaintext secret: only an opaque envelope. */
export interface StoredKey {
  id: string;
  name: string;
  accessType: string;
  key: string;
  secretEnvelope: { key: string; iv: string; authTag: string; message: string };
  createdAt: string;
}

interface StoreFile {
  repos: Record<string, StoredKey[]>;
}

/**
 * The emulator's repositories and keys: in memory, or mirrored to a JSON file after every change so
 * that a `pulumi destroy` in a later process finds what `pulumi up` made.
 */
export class KeyStore {
  readonly #repos = new Map<string, Map<string, StoredKey>>();
  /** SHA-256 of each secret issued by this process, so tests can tell a state's secret from a lost or wrong one. */
  readonly #secretDigests = new Map<string, string>();
  readonly #stateFile: string | undefined;

  constructor(options: { repos: readonly string[]; stateFile?: string | undefined }) {
    this.#stateFile = options.stateFile;
    const saved = this.#stateFile === undefined ? undefined : readStoreFile(this.#stateFile);
    for (const repoId of options.repos) this.#repos.set(repoId, new Map());
    for (const [repoId, keys] of Object.entries(saved?.repos ?? {})) {
      this.#repos.set(repoId, new Map(keys.map((key) => [key.id, key])));
    }
  }

  hasRepo(repoId: string): boolean {
    return this.#repos.has(repoId);
  }

  addRepo(repoId: string): void {
    if (!this.#repos.has(repoId)) this.#repos.set(repoId, new Map());
    this.#save();
  }

  removeRepo(repoId: string): void {
    this.#repos.delete(repoId);
    this.#save();
  }

  /**
   * Makes a key and returns its plaintext secret: the only time anyone sees it. For tests, `planted`
   * gives a key made earlier (a leftover of a deployment long gone) or one with an id a program names.
   */
  create(
    repoId: string,
    name: string,
    accessType: string,
    planted: { createdAt?: Date; id?: string } = {},
  ): { stored: StoredKey; secret: string } {
    const secret = randomBytes(30).toString("base64url");
    const stored: StoredKey = {
      id: planted.id ?? randomUUID(),
      name,
      accessType,
      key: `FBK${randomBytes(10).toString("hex").toUpperCase()}`,
      secretEnvelope: {
        key: randomBytes(8).toString("hex"),
        iv: randomBytes(12).toString("hex"),
        authTag: randomBytes(16).toString("hex"),
        message: randomBytes(32).toString("hex"),
      },
      createdAt: (planted.createdAt ?? new Date()).toISOString(),
    };
    this.#keysOf(repoId).set(stored.id, stored);
    this.#secretDigests.set(stored.id, digest(secret));
    this.#save();
    return { stored, secret };
  }

  /** Whether `secret` is the one issued with key `id` (only for keys this process made: digests are not saved). */
  isSecretOf(id: string, secret: string): boolean {
    return this.#secretDigests.get(id) === digest(secret);
  }

  /** Whether `secret` is the secret of any key this process issued, deleted ones too: what a leak check looks for. */
  isIssuedSecret(secret: string): boolean {
    const wanted = digest(secret);
    return [...this.#secretDigests.values()].includes(wanted);
  }

  list(repoId: string): StoredKey[] {
    return [...this.#keysOf(repoId).values()];
  }

  get(repoId: string, id: string): StoredKey | undefined {
    return this.#keysOf(repoId).get(id);
  }

  update(repoId: string, id: string, changes: { name: string; accessType: string }): boolean {
    const stored = this.get(repoId, id);
    if (stored === undefined) return false;
    Object.assign(stored, changes);
    this.#save();
    return true;
  }

  delete(repoId: string, id: string): boolean {
    const deleted = this.#keysOf(repoId).delete(id);
    if (deleted) this.#save();
    return deleted;
  }

  /** Every key of every repository, for tests that count orphans and duplicates. */
  allKeys(): Array<StoredKey & { repoId: string }> {
    return [...this.#repos].flatMap(([repoId, keys]) => [...keys.values()].map((key) => ({ ...key, repoId })));
  }

  clear(repos: readonly string[]): void {
    this.#repos.clear();
    for (const repoId of repos) this.#repos.set(repoId, new Map());
    this.#save();
  }

  #keysOf(repoId: string): Map<string, StoredKey> {
    const keys = this.#repos.get(repoId);
    if (keys === undefined) throw new Error(`unknown repository ${repoId}`);
    return keys;
  }

  #save(): void {
    if (this.#stateFile === undefined) return;
    const file: StoreFile = { repos: Object.fromEntries([...this.#repos].map(([repoId, keys]) => [repoId, [...keys.values()]])) };
    // Write then rename, so that a crash never leaves half a file.
    const temporary = `${this.#stateFile}.tmp`;
    writeFileSync(temporary, JSON.stringify(file, null, 2));
    renameSync(temporary, this.#stateFile);
  }
}

function readStoreFile(path: string): StoreFile | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as StoreFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function digest(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
