import { ObjectId } from 'mongodb';
import { bearer, createCustomer, historyOf, phonePath } from '../support/customers';
import { TestApp, useTestApp } from '../support/test-app';

jest.setTimeout(120_000);

/** A customer's history is in the order of its versions, not of the clocks that stamped them. */
describe('history order', () => {
  let t: TestApp;
  useTestApp((app) => (t = app));

  it('lists versioned events newest version first, then events from before versions, by time', async () => {
    const admin = await t.adminToken();
    const { phone_number: phone } = await createCustomer(t, admin);
    await t.http().put(phonePath(phone)).set(bearer(admin)).send({ notes: 'second' }).expect(200);
    const customer = await t.connection.db!.collection('customers').findOne({ phone_number: phone });
    const events = t.connection.db!.collection('audit_events');
    expect((await historyOf(t, admin, phone)).status).toBe(200); // reading the history relays the outbox first
    // Another instance's clock ran ahead: its event for version 2 carries a later time than 3's.
    const skewed = await events.updateOne({ customer_id: customer!._id, version: 2 }, { $set: { at: new Date(Date.now() + 60_000) } });
    expect(skewed.modifiedCount).toBe(1);
    await t.http().put(phonePath(phone)).set(bearer(admin)).send({ notes: 'third' }).expect(200);
    // Two events recorded before events carried versions.
    const legacy = (at: number, request_id: string) => ({
      _id: new ObjectId(),
      customer_id: customer!._id,
      action: 'customer.updated',
      at: new Date(at),
      actor: { username: 'old.clerk', role: 'staff' },
      phone_number: phone,
      request_id,
      changes: {},
    });
    await events.insertMany([legacy(Date.parse('2020-01-01'), 'legacy-old'), legacy(Date.parse('2021-01-01'), 'legacy-new')]);

    const items = (await historyOf(t, admin, phone)).body.items as Array<{ version?: number; request_id: string }>;
    expect(items.map((e) => e.version ?? e.request_id)).toEqual([3, 2, 1, 'legacy-new', 'legacy-old']);
  });
});
