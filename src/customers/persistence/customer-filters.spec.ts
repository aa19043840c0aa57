import { trusted } from 'mongoose';
import { DatabaseEngine } from '../../database/database-engine';
import { searchKeysFor } from '../domain/search-keys';
import { customerSearchFilter } from './customer-filters';

const engine = new DatabaseEngine('mongodb');
const buildSearchFilter = (search: string | undefined) => customerSearchFilter(search, engine);

describe('search filter', () => {
  it('is empty without a search, and matches no one for a search without terms', () => {
    expect(buildSearchFilter(undefined)).toEqual({});
    expect(buildSearchFilter('   ')).toEqual({});
    expect(buildSearchFilter("' -")).toEqual({ search_keys: 'n:' });
    expect(searchKeysFor({ first_name: "O'Neil", last_name: 'A-B', phone_number: '5551234567' })).not.toContain('n:');
  });

  it('is one equality for one term', () => {
    expect(buildSearchFilter('smi')).toEqual({ search_keys: 'n:smi' });
  });

  it('requires every term (the engine decides the filter shape: database-engine.spec.ts)', () => {
    expect(buildSearchFilter('jo smith')).toEqual(engine.containsAll('search_keys', ['n:jo', 'n:smith']));
  });
});

describe('search filter on MongoDB', () => {
  it('requires every term with $all alone (the multikey index serves it)', () => {
    expect(customerSearchFilter('jo smith', engine)).toEqual({
      search_keys: trusted({ $all: ['n:jo', 'n:smith'] }),
    });
  });
});
