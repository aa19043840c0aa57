import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Runs async work one at a time per key, in arrival order; work already holding a key may take it
 * again (re-entrant). Used to serialize the writes to one customer document within this process:
 * FerretDB 1.24 executes findAndModify as a read followed by a whole-document replace, so two
 * overlapping writes to one document could lose one of them; and serialized read-decide-write
 * cycles spare concurrent requests the retries of optimistic concurrency.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const held = this.held.getStore() ?? new Set<string>();
    if (held.has(key)) return work();
    const holding = () => this.held.run(new Set([...held, key]), work);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(holding, holding);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether work for `key` is running or waiting. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }

  get size(): number {
    return this.tails.size;
  }
}
