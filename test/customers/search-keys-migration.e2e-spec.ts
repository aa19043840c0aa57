import { AuditRelay } from '../../src/audit/audit-relay.service';
import { SearchKeysMigration } from '../../src/customers/search-keys.migration';
import { TestApp, useTestApp } from '../support/test-app';
import {
  bearer,
  createCustomer,
  CUSTOMERS,
  getCustomer,
  historyOf,
  phonesOf,
} from '../support/customers';

/** Customers stored before a change in how search keys are derived get them rewritten at start-up. */
describe('search keys migration', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  const PHONE = '5557770001';
  const customers = () => t.connection.db!.collection('customers');
  const migrations = () => t.connection.db!.collection('migrations');
  const search = async (text: string) => {
    const res = await t
      .http()
      .get(CUSTOMERS)
      .query({ search: text })
      .set(bearer(admin))
      .expect(200);
    return phonesOf(res.body.items);
  };

  /** Turns the stored customer back into what version 1 of the keys left: 20-character prefixes, symbols dropped. */
  async function storeAsVersion1(): Promise<void> {
    // The audit relay may still be emptying the new customer's outbox: a write of its own that the
    // storage guard would rightly refuse this one for. Let it finish first.
    await t.app.get(AuditRelay).idle();
    const v1Keys = ['hubert', 'st', 'clair', 'wolfeschlegelsteinhausenbergerdorff'].flatMap(
      (word) =>
        Array.from({ length: Math.min(word.length, 20) }, (_, i) => `n:${word.slice(0, i + 1)}`),
    );
    const result = await customers().updateOne(
      { phone_number: PHONE },
      // Every write raises revision: the storage guard refuses one that does not.
      { $set: { search_keys: v1Keys }, $unset: { search_keys_version: '' }, $inc: { revision: 1 } },
    );
    expect(result.modifiedCount).toBe(1);
    await migrations().deleteMany({});
  }

  it('rewrites stale keys once, without a new version or an audit event', async () => {
    await createCustomer(t, admin, {
      phone_number: PHONE,
      first_name: 'Hubert',
      last_name: 'St. Clair-Wolfeschlegelsteinhausenbergerdorff',
    });
    await storeAsVersion1();
    expect(await search('wolfeschlegelsteinhausenbergerdorff')).toEqual([]);
    expect(await search('st.')).toEqual([]);

    const migration = t.app.get(SearchKeysMigration);
    expect(await migration.run()).toBe(1);

    expect(await search('wolfeschlegelsteinhausenbergerdorff')).toEqual([PHONE]);
    expect(await search('st. clair')).toEqual([PHONE]);
    expect(await customers().findOne({ phone_number: PHONE })).toMatchObject({
      search_keys_version: 2,
    });
    expect((await getCustomer(t, admin, PHONE)).version).toBe(1);
    expect((await historyOf(t, admin, PHONE)).body.total).toBe(1);
    expect(await migrations().findOne({ _id: 'customer_search_keys' as never })).toMatchObject({
      version: 2,
    });
  });

  it('skips the scan once the current version is recorded', async () => {
    await createCustomer(t, admin, {
      phone_number: PHONE,
      first_name: 'Hubert',
      last_name: 'St. Clair',
    });
    const migration = t.app.get(SearchKeysMigration);
    expect(await migration.run()).toBe(0);
    await storeAsVersion1();
    await migrations().insertOne({ _id: 'customer_search_keys' as never, version: 2 });
    expect(await migration.run()).toBe(0);
    expect(await search('st.')).toEqual([]);
  });

  it('stores the current version with every write', async () => {
    await createCustomer(t, admin, { phone_number: PHONE, first_name: 'Ann', last_name: 'Lee' });
    expect(await customers().findOne({ phone_number: PHONE })).toMatchObject({
      search_keys_version: 2,
    });
  });
});
