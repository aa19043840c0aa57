import { CustomerRecord } from './domain/customer';
import { profileChanges } from './customers.service';

const customer: CustomerRecord = {
  id: '6b0cbd86489a3f3bb8403731',
  phone_number: '5551234567',
  first_name: 'John',
  last_name: 'Smith',
  email: 'john@email.com',
  status: 'active',
  total_transactions: 0,
  active_loans: 0,
  version: 1,
  created_at: new Date(),
  updated_at: new Date(),
};

describe('profileChanges', () => {
  it('keeps only the fields that differ, with from and to', () => {
    expect(
      profileChanges(customer, { first_name: 'John', last_name: 'Smyth', notes: 'VIP' }),
    ).toEqual({
      changes: { last_name: 'Smyth', notes: 'VIP' },
      audit: { last_name: { from: 'Smith', to: 'Smyth' }, notes: { from: null, to: 'VIP' } },
    });
  });

  it('removes email or notes with null, and ignores removing what is absent', () => {
    expect(profileChanges(customer, { email: null, notes: null })).toEqual({
      changes: { email: null },
      audit: { email: { from: 'john@email.com', to: null } },
    });
  });

  it('finds nothing to change when every value is current', () => {
    expect(
      profileChanges(customer, { phone_number: '5551234567', email: 'john@email.com' }).changes,
    ).toEqual({});
  });
});
