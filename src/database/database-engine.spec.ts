import { DatabaseEngine } from './database-engine';

describe('DatabaseEngine: what differs by engine', () => {
  it('FerretDB writes side by side only behind the storage guard, and does not bound $push with $slice', () => {
    const guarded = new DatabaseEngine('ferretdb', 'postgres://x@127.0.0.1/db');
    expect(guarded.guardsWrites).toBe(true);
    expect(guarded.writePoolSize).toBeGreaterThan(1);
    const unguarded = new DatabaseEngine('ferretdb');
    expect(unguarded.guardsWrites).toBe(false);
    expect(unguarded.writePoolSize).toBe(1);
    expect(unguarded.boundsPushedArrays).toBe(false);
    expect(unguarded.retryWrites).toBe(false);
    const mongoDb = new DatabaseEngine('mongodb');
    expect(mongoDb.writePoolSize).toBeGreaterThan(1);
    expect(mongoDb.boundsPushedArrays).toBe(true);
    expect(mongoDb.retryWrites).toBe(true);
  });
});
