import { trusted } from 'mongoose';
import { DatabaseEngine } from './database-engine';

describe('DatabaseEngine: filter shapes', () => {
  const ferretDb = new DatabaseEngine('ferretdb');
  const mongoDb = new DatabaseEngine('mongodb');

  it('array holds every term: on FerretDB the longest term also as an equality, which it pushes down', () => {
    const filter = ferretDb.containsAll('search_keys', ['n:jo', 'n:smith']) as { search_keys: object };
    expect(filter).toEqual({ search_keys: trusted({ $eq: 'n:smith', $all: ['n:jo', 'n:smith'] }) });
    // Marked trusted, so sanitizeFilter keeps the operators (and only these).
    expect(Object.getOwnPropertySymbols(filter.search_keys)).toHaveLength(1);
  });

  it('array holds every term: on MongoDB $all alone (the multikey index serves it)', () => {
    expect(mongoDb.containsAll('search_keys', ['n:jo', 'n:smith'])).toEqual({
      search_keys: trusted({ $all: ['n:jo', 'n:smith'] }),
    });
  });

  it('one term is a plain equality on every engine', () => {
    for (const engine of [ferretDb, mongoDb])
      expect(engine.containsAll('search_keys', ['n:smi'])).toEqual({ search_keys: 'n:smi' });
  });

  it('none of one value is a $ne (pushed down), of several a $nin', () => {
    expect(ferretDb.noneOf('status', ['archived'])).toEqual({ status: trusted({ $ne: 'archived' }) });
    expect(ferretDb.noneOf('status', ['a', 'b'])).toEqual({ status: trusted({ $nin: ['a', 'b'] }) });
  });
});

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

  it('sums per group in one $group on MongoDB, one per sum on FerretDB, with the same result', async () => {
    const groups: Array<Record<string, unknown>> = [];
    const rows = [
      { status: 'active', loans: 2 },
      { status: 'active', loans: 0 },
      { status: 'banned', loans: 1 },
    ];
    const model = {
      aggregate: (pipeline: Array<{ $group: Record<string, { $sum: 1 | string } | string> }>) => {
        const group = pipeline[0].$group;
        groups.push(group);
        const result = new Map<string, Record<string, unknown>>();
        for (const row of rows) {
          const out = result.get(row.status) ?? { _id: row.status };
          for (const [name, spec] of Object.entries(group)) {
            if (name === '_id') continue;
            const sum = (spec as { $sum: 1 | string }).$sum;
            out[name] = ((out[name] as number) ?? 0) + (sum === 1 ? 1 : row.loans);
          }
          result.set(row.status, out);
        }
        return { exec: async () => [...result.values()] };
      },
    };
    const sums = { count: 1, loans: '$loans' } as const;
    for (const engine of [new DatabaseEngine('mongodb'), new DatabaseEngine('ferretdb')]) {
      groups.length = 0;
      const totals = await engine.sumsByGroup(model as never, 'status', sums);
      expect(Object.fromEntries(totals)).toEqual({
        active: { count: 2, loans: 2 },
        banned: { count: 1, loans: 1 },
      });
      expect(groups).toHaveLength(engine.isFerretDb ? 2 : 1);
    }
  });
});
