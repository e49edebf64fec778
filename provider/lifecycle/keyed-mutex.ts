/**
 * Runs tasks with the same key one after another, tasks with different keys at once. Creates of
 * keys that share a repository and a name go one at a time, so that the orphan search after a lost
 * answer can never mistake a sibling's fresh key for the orphan.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
