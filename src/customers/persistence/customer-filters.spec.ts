import { searchKeysFor } from '../domain/search-keys';
import { customerSearchCondition, customerStatusCondition } from './customer-filters';

describe('search condition', () => {
  it('is none without a search, and matches no one for a search without terms', () => {
    expect(customerSearchCondition(undefined)).toBeUndefined();
    expect(customerSearchCondition('   ')).toBeUndefined();
    expect(customerSearchCondition("' -")).toEqual({
      field: 'search_keys',
      type: 'string',
      op: 'containsAll',
      values: ['n:'],
    });
    expect(searchKeysFor({ first_name: "O'Neil", last_name: 'A-B', phone_number: '5551234567' })).not.toContain('n:');
  });

  it('requires every term', () => {
    expect(customerSearchCondition('smi')).toMatchObject({ op: 'containsAll', values: ['n:smi'] });
    expect(customerSearchCondition('jo smith')).toMatchObject({ op: 'containsAll', values: ['n:jo', 'n:smith'] });
  });
});

describe('status condition', () => {
  it('names one status, several, or leaves the hidden ones out', () => {
    expect(customerStatusCondition(['banned'])).toMatchObject({ op: 'eq', value: 'banned' });
    expect(customerStatusCondition(['banned', 'active'])).toMatchObject({ op: 'in', values: ['banned', 'active'] });
    expect(customerStatusCondition(undefined)).toMatchObject({ op: 'ne', value: 'archived' });
  });
});
