import { CustomerSchema } from './customer.schema';

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

  it.each([
    'created_at',
    'updated_at',
    'first_name_sort',
    'last_name_sort',
    'total_transactions',
    'active_loans',
  ])('indexes sort field %s with the _id tie-breaker', (field) =>
    expect(find({ [field]: 1, _id: 1 })).toBeDefined(),
  );

  it('indexes the audit outbox flag for the sweep', () => {
    expect(find({ audit_pending: 1 })).toBeDefined();
  });
});
