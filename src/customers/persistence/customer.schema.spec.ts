import { CustomerSchema, SORT_KEYS } from './customer.schema';

describe('customer indexes', () => {
  const indexes = CustomerSchema.indexes();
  const find = (keys: Record<string, number>) =>
    indexes.find(([fields]) => JSON.stringify(fields) === JSON.stringify(keys));

  it('makes the phone number unique', () => {
    expect(find({ phone_number: 1 })?.[1]).toMatchObject({ unique: true });
  });

  it('indexes the search keys', () => {
    expect(find({ search_keys: 1 })).toBeDefined();
  });

  it.each(Object.entries(SORT_KEYS))(
    'indexes sort_by=%s by its keys in order, then the _id tie-breaker (a page walks the index)',
    (_sortBy, keys) =>
      expect(
        find({ ...Object.fromEntries(keys.map(({ field }) => [field, 1])), _id: 1 }),
      ).toBeDefined(),
  );

  it('indexes the audit outbox flag for the sweep', () => {
    expect(find({ audit_pending: 1 })).toBeDefined();
  });
});
