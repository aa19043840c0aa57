import { TestApp, useTestApp } from '../support/test-app';
import {
  bearer,
  Customer,
  createCustomer,
  customerInStatus,
  expectCustomer,
  expectNothingWritten,
  expectProblem,
  expectValidationError,
  getCustomer,
  phonePath,
  sleep,
} from '../support/customers';

jest.setTimeout(120_000);

describe('PUT /api/v1/customer/{phone}', () => {
  let t: TestApp;
  let admin: string;
  let john: Customer;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
    john = await createCustomer(t, admin, {
      phone_number: '5551234567',
      first_name: 'John',
      last_name: 'Smith',
      email: 'john@email.com',
      notes: 'First visit',
    });
  });

  const put = (phone: string, body: unknown, headers: Record<string, string> = {}) =>
    t
      .http()
      .put(phonePath(phone))
      .set(bearer(admin))
      .set(headers)
      .send(body as object);

  describe('fields', () => {
    it.each([
      ['first_name', 'Johnny', 'Johnny'],
      ['last_name', 'Smythe', 'Smythe'],
      ['email', 'New.Address@Mail.COM', 'new.address@mail.com'],
      ['notes', 'Prefers cash', 'Prefers cash'],
      ['first_name', '  Jack  ', 'Jack'],
    ])(
      'updates %s alone to %j, bumping the version and leaving the rest',
      async (field, value, stored) => {
        await sleep(5);
        const res = await put('5551234567', { [field]: value });
        const updated = expectCustomer(res, 200, {
          ...john,
          [field]: stored,
          version: 2,
          updated_at: expect.any(String),
        });
        expect(res.headers.etag).toBe('"2"');
        expect(updated.created_at).toBe(john.created_at);
        expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(john.updated_at));
        expect(await getCustomer(t, admin, '5551234567')).toEqual(updated);
      },
    );

    it('updates several fields at once', async () => {
      const res = await put('5551234567', {
        first_name: 'Jim',
        last_name: 'Beam',
        email: 'jim@beam.com',
        notes: 'x',
      });
      expectCustomer(res, 200, {
        phone_number: '5551234567',
        first_name: 'Jim',
        last_name: 'Beam',
        email: 'jim@beam.com',
        notes: 'x',
        version: 2,
      });
    });

    it('removes the email when it is null', async () => {
      const res = await put('5551234567', { email: null });
      const updated = expectCustomer(res, 200, { first_name: 'John', version: 2 });
      expect(updated.email ?? null).toBeNull();
      expect((await getCustomer(t, admin, '5551234567')).email ?? null).toBeNull();
    });

    it('lets staff update', async () => {
      const staff = await t.userToken('staff');
      const res = await t
        .http()
        .put(phonePath('5551234567'))
        .set(bearer(staff))
        .send({ notes: 'by staff' });
      expectCustomer(res, 200, { notes: 'by staff', version: 2 });
    });

    it('bumps the version on every successful update', async () => {
      for (const version of [2, 3, 4]) {
        const res = await put('5551234567', { notes: `v${version}` });
        expectCustomer(res, 200, { version });
        expect(res.headers.etag).toBe(`"${version}"`);
      }
    });

    it('bumps the version for an update that repeats the current values too, recording no changes', async () => {
      await put('5551234567', { notes: 'same' }).expect(200);
      const res = await put('5551234567', { notes: 'same' });
      expectCustomer(res, 200, { notes: 'same', version: 3 });
      const history = await t
        .http()
        .get(`${phonePath('5551234567')}/history`)
        .set(bearer(admin))
        .expect(200);
      expect(history.body.items[0]).toMatchObject({ action: 'customer.updated', changes: {} });
    });

    it('refuses a weak If-Match tag, or one not written as the ETag, with 412: If-Match compares strongly', async () => {
      for (const tag of ['W/"1"', '"01"']) {
        const res = await expectNothingWritten(t, () =>
          put('5551234567', { notes: 'mine' }, { 'If-Match': tag }),
        );
        expectProblem(res, 412);
      }
    });

    it('finds the customer through any phone format in the path', async () => {
      expectCustomer(await put('(555) 123-4567', { notes: 'formatted' }), 200, {
        phone_number: '5551234567',
        notes: 'formatted',
      });
      expectCustomer(await put('+1 555 123 4567', { notes: 'again' }), 200, {
        phone_number: '5551234567',
        notes: 'again',
      });
    });

    it.each(['suspended', 'banned', 'deactivated'] as const)(
      'updates a %s customer',
      async (status) => {
        const customer = await customerInStatus(t, admin, status);
        const res = await put(customer.phone_number, { notes: 'still editable' });
        expectCustomer(res, 200, { status, notes: 'still editable' });
      },
    );
  });

  describe('validation', () => {
    const bad: [string, Record<string, unknown>, string | undefined][] = [
      ['an empty body', {}, undefined],
      ['an empty first_name', { first_name: '' }, 'first_name'],
      ['a blank last_name', { last_name: '   ' }, 'last_name'],
      ['a 101-character first_name', { first_name: 'x'.repeat(101) }, 'first_name'],
      ['a null first_name', { first_name: null }, 'first_name'],
      ['a null last_name', { last_name: null }, 'last_name'],
      ['an invalid email', { email: 'nope' }, 'email'],
      ['2001-character notes', { notes: 'n'.repeat(2001) }, 'notes'],
      ['a bad phone_number', { phone_number: '555-ABC-4567' }, 'phone_number'],
      ['a 9-digit phone_number', { phone_number: '555123456' }, 'phone_number'],
      ['a null phone_number', { phone_number: null }, 'phone_number'],
      ['status', { status: 'banned' }, 'status'],
      ['status with other fields', { notes: 'x', status: 'active' }, 'status'],
      ['total_transactions', { total_transactions: 10 }, 'total_transactions'],
      ['active_loans', { active_loans: 0 }, 'active_loans'],
      ['version', { version: 1 }, 'version'],
      ['version with other fields', { first_name: 'X', version: 9 }, 'version'],
      ['created_at', { created_at: '2020-01-01T00:00:00.000Z' }, 'created_at'],
      ['updated_at', { updated_at: '2020-01-01T00:00:00.000Z' }, 'updated_at'],
      ['an unknown field', { first_name: 'X', is_vip: true }, 'is_vip'],
      ['an operator', { first_name: { $set: 'x' } }, 'first_name'],
      ['an operator key', { $set: { status: 'banned' } }, undefined],
    ];
    it.each(bad)('refuses %s (422), changing nothing', async (_label, body, field) => {
      const res = await expectNothingWritten(t, () => put('5551234567', body));
      expectValidationError(res, field);
      expect(await getCustomer(t, admin, '5551234567')).toEqual(john);
    });

    it('refuses a malformed phone in the path (422)', async () => {
      expectProblem(await put('555123456', { notes: 'x' }), 422);
    });

    it('answers 404 CUSTOMER_NOT_FOUND for an unknown phone', async () => {
      const res = await expectNothingWritten(t, () => put('5559999999', { notes: 'x' }));
      expectProblem(res, 404, 'CUSTOMER_NOT_FOUND');
    });

    it('needs a token (401)', async () => {
      const res = await expectNothingWritten(t, () =>
        t.http().put(phonePath('5551234567')).send({ notes: 'x' }),
      );
      expectProblem(res, 401);
    });
  });

  describe('phone number change', () => {
    it('moves the customer to the new number', async () => {
      const res = await put('5551234567', { phone_number: '(555) 765-4321' });
      const moved = expectCustomer(res, 200, {
        ...john,
        phone_number: '5557654321',
        version: 2,
        updated_at: expect.any(String),
      });
      expectProblem(
        await t.http().get(phonePath('5551234567')).set(bearer(admin)),
        404,
        'CUSTOMER_NOT_FOUND',
      );
      expect(await getCustomer(t, admin, '5557654321')).toEqual(moved);
      expect(moved.created_at).toBe(john.created_at);
    });

    it('frees the old number for a new customer', async () => {
      await put('5551234567', { phone_number: '5557654321' }).expect(200);
      const again = await createCustomer(t, admin, {
        phone_number: '5551234567',
        first_name: 'Other',
        last_name: 'Person',
      });
      expect(again).toMatchObject({
        phone_number: '5551234567',
        first_name: 'Other',
        version: 1,
        total_transactions: 0,
      });
      expect(await getCustomer(t, admin, '5557654321')).toMatchObject({ first_name: 'John' });
    });

    it('refuses a number another customer has (409), changing nothing', async () => {
      const jane = await createCustomer(t, admin, {
        phone_number: '5559876543',
        first_name: 'Jane',
        last_name: 'Doe',
      });
      const res = await expectNothingWritten(t, () =>
        put('5551234567', { phone_number: '555-987-6543', first_name: 'Changed' }),
      );
      expectProblem(res, 409);
      expect(await getCustomer(t, admin, '5551234567')).toEqual(john);
      expect(await getCustomer(t, admin, '5559876543')).toEqual(jane);
    });

    it('moves the counters along with the customer', async () => {
      await t
        .http()
        .post(`${phonePath('5551234567')}/transactions`)
        .set(bearer(admin))
        .send({ type: 'loan_opened' })
        .expect(201);
      const res = await put('5551234567', { phone_number: '5557654321' });
      expectCustomer(res, 200, {
        phone_number: '5557654321',
        active_loans: 1,
        total_transactions: 1,
      });
    });
  });

  describe('If-Match', () => {
    it('applies the update when the version matches, answering the new ETag', async () => {
      const res = await put('5551234567', { notes: 'checked' }, { 'If-Match': '"1"' });
      expectCustomer(res, 200, { notes: 'checked', version: 2 });
      expect(res.headers.etag).toBe('"2"');
      const next = await put(
        '5551234567',
        { notes: 'checked again' },
        { 'If-Match': res.headers.etag },
      );
      expectCustomer(next, 200, { notes: 'checked again', version: 3 });
    });

    it('answers a 412 with the current ETag, so that the client can re-read and retry', async () => {
      await put('5551234567', { notes: 'v2' }).expect(200);
      const res = await put('5551234567', { notes: 'mine' }, { 'If-Match': '"1"' });
      expectProblem(res, 412);
      expect(res.headers.etag).toBe('"2"');
    });

    it('refuses a stale version with 412, changing nothing', async () => {
      await put('5551234567', { notes: 'someone else' }, { 'If-Match': '"1"' }).expect(200);
      const current = await getCustomer(t, admin, '5551234567');
      const res = await expectNothingWritten(t, () =>
        put('5551234567', { notes: 'mine' }, { 'If-Match': '"1"' }),
      );
      expectProblem(res, 412);
      expect(await getCustomer(t, admin, '5551234567')).toEqual(current);
    });

    it('refuses a version from the future with 412', async () => {
      const res = await expectNothingWritten(t, () =>
        put('5551234567', { notes: 'mine' }, { 'If-Match': '"7"' }),
      );
      expectProblem(res, 412);
    });

    it('uses the ETag a GET answered', async () => {
      const read = await t.http().get(phonePath('5551234567')).set(bearer(admin)).expect(200);
      const res = await put('5551234567', { first_name: 'Jon' }, { 'If-Match': read.headers.etag });
      expectCustomer(res, 200, { first_name: 'Jon', version: 2 });
    });

    it('checks the version on a phone number change too', async () => {
      await put('5551234567', { notes: 'bump' }).expect(200);
      const res = await expectNothingWritten(t, () =>
        put('5551234567', { phone_number: '5557654321' }, { 'If-Match': '"1"' }),
      );
      expectProblem(res, 412);
      expectProblem(
        await t.http().get(phonePath('5557654321')).set(bearer(admin)),
        404,
        'CUSTOMER_NOT_FOUND',
      );
    });
  });

  describe('archived customers', () => {
    it('refuses to update an archived customer (409)', async () => {
      const archived = await customerInStatus(t, admin, 'archived', { first_name: 'Old' });
      const res = await expectNothingWritten(t, () =>
        put(archived.phone_number, { first_name: 'New' }),
      );
      expectProblem(res, 409);
      expect(await getCustomer(t, admin, archived.phone_number)).toEqual(archived);
    });

    it('refuses to move an archived customer to a new number (409)', async () => {
      const archived = await customerInStatus(t, admin, 'archived');
      const res = await expectNothingWritten(t, () =>
        put(archived.phone_number, { phone_number: '5550001111' }),
      );
      expectProblem(res, 409);
      expectProblem(
        await t.http().get(phonePath('5550001111')).set(bearer(admin)),
        404,
        'CUSTOMER_NOT_FOUND',
      );
    });
  });
});
