import { TestApp, useTestApp } from '../support/test-app';
import {
  bearer,
  CUSTOMERS,
  createCustomer,
  expectCustomer,
  expectNothingWritten,
  expectProblem,
  expectValidationError,
  getCustomer,
  ISO_UTC,
  phonePath,
  uniquePhone,
} from '../support/customers';

jest.setTimeout(120_000);

describe('POST /api/v1/customer/', () => {
  let t: TestApp;
  let admin: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
  });

  const post = (body: unknown, token = admin) =>
    t
      .http()
      .post(`${CUSTOMERS}/`)
      .set(bearer(token))
      .send(body as object);
  const valid = () => ({ phone_number: uniquePhone(), first_name: 'John', last_name: 'Smith' });

  it('creates an active customer with zero counters at version 1 and answers the exact Customer JSON', async () => {
    const before = Date.now();
    const res = await post({
      phone_number: '5551234567',
      first_name: 'John',
      last_name: 'Smith',
      email: 'john@email.com',
      notes: 'Internal notes',
    });
    const customer = expectCustomer(res, 201);
    expect(customer).toEqual({
      phone_number: '5551234567',
      first_name: 'John',
      last_name: 'Smith',
      email: 'john@email.com',
      status: 'active',
      notes: 'Internal notes',
      total_transactions: 0,
      active_loans: 0,
      version: 1,
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe('/api/v1/customer/5551234567');
    const created = Date.parse(customer.created_at);
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(Date.now() + 1000);
    expect(Date.parse(customer.updated_at)).toBeGreaterThanOrEqual(created);

    const read = await t.http().get(phonePath('5551234567')).set(bearer(admin));
    expect(expectCustomer(read, 200)).toEqual(customer);
    expect(read.headers.etag).toBe('"1"');
  });

  it('accepts a customer without email and notes', async () => {
    const res = await post({ phone_number: '5551234567', first_name: 'Jane', last_name: 'Doe' });
    const customer = expectCustomer(res, 201, {
      phone_number: '5551234567',
      first_name: 'Jane',
      last_name: 'Doe',
      status: 'active',
      version: 1,
    });
    expect(customer.email ?? null).toBeNull();
    expect(customer.notes ?? null).toBeNull();
  });

  it('lets staff create customers', async () => {
    const staff = await t.userToken('staff');
    expectCustomer(await post(valid(), staff), 201, { status: 'active' });
  });

  it('works with and without the trailing slash', async () => {
    const res = await t
      .http()
      .post(CUSTOMERS)
      .set(bearer(admin))
      .send({ phone_number: '5551234567', first_name: 'A', last_name: 'B' });
    expectCustomer(res, 201, { phone_number: '5551234567' });
  });

  it('needs a token', async () => {
    const res = await expectNothingWritten(t, () => t.http().post(`${CUSTOMERS}/`).send(valid()));
    expectProblem(res, 401);
  });

  describe('phone numbers', () => {
    const formats = [
      '5551234567',
      '555-123-4567',
      '(555) 123-4567',
      '555.123.4567',
      '+1 555 123 4567',
      '1-555-123-4567',
    ];

    it.each(formats)('normalizes %j in the body to 5551234567', async (format) => {
      const res = await post({ phone_number: format, first_name: 'John', last_name: 'Smith' });
      expectCustomer(res, 201, { phone_number: '5551234567' });
      expect((await getCustomer(t, admin, '5551234567')).phone_number).toBe('5551234567');
    });

    it.each(formats)('finds the customer by %j in the path', async (format) => {
      await createCustomer(t, admin, { phone_number: '5551234567' });
      const res = await t.http().get(phonePath(format)).set(bearer(admin));
      expectCustomer(res, 200, { phone_number: '5551234567' });
    });

    it.each(formats)('refuses %j as a duplicate of 5551234567 (409)', async (format) => {
      await createCustomer(t, admin, { phone_number: '5551234567' });
      const res = await expectNothingWritten(t, () =>
        post({ phone_number: format, first_name: 'Other', last_name: 'Person' }),
      );
      expectProblem(res, 409);
    });

    const bad = {
      letters: '555-ABC-4567',
      'trailing letter': '555123456x',
      '9 digits': '555123456',
      '12 digits': '555123456789',
      '11 digits not starting with 1': '25551234567',
      'a trailing dot': '5551234567.',
      'a leading dash': '-5551234567',
      'doubled separators': '555..123--4567',
      'nested parentheses': '((555)) 123-4567',
      'a line break': '555\n1234567',
      empty: '',
    };
    it.each(Object.entries(bad))(
      'refuses a phone with %s in the body (422)',
      async (_label, phone) => {
        const res = await expectNothingWritten(t, () =>
          post({ phone_number: phone, first_name: 'John', last_name: 'Smith' }),
        );
        expectValidationError(res, 'phone_number');
      },
    );

    it.each(Object.entries(bad).filter(([, p]) => p !== ''))(
      'refuses a phone with %s in the path (422)',
      async (_label, phone) => {
        const res = await t.http().get(phonePath(phone)).set(bearer(admin));
        expectProblem(res, 422);
      },
    );

    it('refuses a phone that is not a string (422)', async () => {
      const res = await expectNothingWritten(t, () =>
        post({ phone_number: 5551234567, first_name: 'John', last_name: 'Smith' }),
      );
      expectValidationError(res, 'phone_number');
    });

    it('requires a phone (422)', async () => {
      const res = await expectNothingWritten(t, () =>
        post({ first_name: 'John', last_name: 'Smith' }),
      );
      expectValidationError(res, 'phone_number');
    });
  });

  describe('names', () => {
    it('trims first and last names', async () => {
      const res = await post({
        phone_number: '5551234567',
        first_name: '  John ',
        last_name: '\tSmith  ',
      });
      expectCustomer(res, 201, { first_name: 'John', last_name: 'Smith' });
      expect(await getCustomer(t, admin, '5551234567')).toMatchObject({
        first_name: 'John',
        last_name: 'Smith',
      });
    });

    it.each(['first_name', 'last_name'])('accepts %s of 1 and of 100 characters', async (field) => {
      expectCustomer(await post({ ...valid(), [field]: 'J' }), 201, { [field]: 'J' });
      expectCustomer(await post({ ...valid(), [field]: 'x'.repeat(100) }), 201, {
        [field]: 'x'.repeat(100),
      });
    });

    it.each(['.', "'", '***', '(', '😀', '\u0301'])(
      'accepts a name with no letter or digit (%j): 201, as it reads',
      async (name) => {
        expectCustomer(await post({ ...valid(), first_name: name, last_name: name }), 201, {
          first_name: name,
          last_name: name,
        });
      },
    );

    const badNames: [string, unknown][] = [
      ['missing', undefined],
      ['empty', ''],
      ['only spaces', '   '],
      ['101 characters', 'x'.repeat(101)],
      ['a number', 42],
      ['null', null],
      ['an operator object', { $gt: '' }],
      ['an array', ['John']],
    ];
    for (const field of ['first_name', 'last_name']) {
      it.each(badNames)(`refuses ${field} %s (422), storing nothing`, async (_label, value) => {
        const body: Record<string, unknown> = valid();
        if (value === undefined) delete body[field];
        else body[field] = value;
        const res = await expectNothingWritten(t, () => post(body));
        expectValidationError(res, field);
      });
    }
  });

  describe('email', () => {
    it('stores the email lower-cased', async () => {
      const res = await post({
        ...valid(),
        phone_number: '5551234567',
        email: 'John.Smith@Email.COM',
      });
      expectCustomer(res, 201, { email: 'john.smith@email.com' });
      expect((await getCustomer(t, admin, '5551234567')).email).toBe('john.smith@email.com');
    });

    it.each(['not-an-email', 'john@', '@email.com', 'john smith@email.com', 'john@@email.com'])(
      'refuses %j (422)',
      async (email) => {
        const res = await expectNothingWritten(t, () => post({ ...valid(), email }));
        expectValidationError(res, 'email');
      },
    );

    it('refuses an email that is not a string (422)', async () => {
      const res = await expectNothingWritten(t, () => post({ ...valid(), email: { $ne: null } }));
      expectValidationError(res, 'email');
    });
  });

  describe('notes', () => {
    it('accepts notes of 2000 characters', async () => {
      const notes = 'n'.repeat(2000);
      expectCustomer(await post({ ...valid(), notes }), 201, { notes });
    });

    it('refuses notes of 2001 characters (422)', async () => {
      const res = await expectNothingWritten(t, () =>
        post({ ...valid(), notes: 'n'.repeat(2001) }),
      );
      expectValidationError(res, 'notes');
    });
  });

  describe('fields a body may not set', () => {
    const forbidden: [string, unknown][] = [
      ['status', 'active'],
      ['status', 'banned'],
      ['total_transactions', 0],
      ['total_transactions', 5],
      ['active_loans', 0],
      ['active_loans', 3],
      ['version', 1],
      ['version', 7],
      ['created_at', '2020-01-01T00:00:00.000Z'],
      ['updated_at', '2020-01-01T00:00:00.000Z'],
      ['_id', '507f1f77bcf86cd799439011'],
      ['foo', 'bar'],
    ];
    it.each(forbidden)('refuses %s = %j (422), storing nothing', async (field, value) => {
      const res = await expectNothingWritten(t, () => post({ ...valid(), [field]: value }));
      expectValidationError(res, field);
    });

    it('refuses a query operator instead of a value (422)', async () => {
      const res = await expectNothingWritten(t, () =>
        post({ phone_number: '5551234567', first_name: { $gt: '' }, last_name: 'Smith' }),
      );
      expectValidationError(res, 'first_name');
    });

    it('refuses an operator as the phone (422)', async () => {
      const res = await expectNothingWritten(t, () =>
        post({ phone_number: { $ne: '' }, first_name: 'John', last_name: 'Smith' }),
      );
      expectValidationError(res, 'phone_number');
    });
  });

  describe('problems', () => {
    it('answers a duplicate phone with a 409 problem, leaving the first customer untouched', async () => {
      const first = await createCustomer(t, admin, {
        phone_number: '5551234567',
        first_name: 'John',
        last_name: 'Smith',
      });
      const res = await expectNothingWritten(t, () =>
        t
          .http()
          .post(`${CUSTOMERS}/`)
          .set(bearer(admin))
          .set('X-Request-Id', 'dup-create-1')
          .send({ phone_number: '555-123-4567', first_name: 'Eve', last_name: 'Other' }),
      );
      expectProblem(res, 409);
      expect(res.body.request_id).toBe('dup-create-1');
      expect(res.headers['x-request-id']).toBe('dup-create-1');
      expect(await getCustomer(t, admin, '5551234567')).toEqual(first);
    });

    it('answers malformed JSON with 400', async () => {
      const res = await expectNothingWritten(t, () =>
        t
          .http()
          .post(`${CUSTOMERS}/`)
          .set(bearer(admin))
          .set('Content-Type', 'application/json')
          .send('{"phone_number": "5551234567",'),
      );
      expectProblem(res, 400);
    });

    it('answers a body over 16 KiB with 413', async () => {
      const res = await expectNothingWritten(t, () =>
        post({ ...valid(), notes: 'n'.repeat(17 * 1024) }),
      );
      expectProblem(res, 413);
    });

    it('echoes the X-Request-Id in the 422 problem', async () => {
      const res = await t
        .http()
        .post(`${CUSTOMERS}/`)
        .set(bearer(admin))
        .set('X-Request-Id', 'my-request-42')
        .send({ first_name: 'x' });
      expectProblem(res, 422);
      expect(res.body.request_id).toBe('my-request-42');
    });

    it('answers a non-object body with 422 or 400, storing nothing', async () => {
      const res = await expectNothingWritten(t, () =>
        t
          .http()
          .post(`${CUSTOMERS}/`)
          .set(bearer(admin))
          .set('Content-Type', 'application/json')
          .send('[1,2]'),
      );
      expect([400, 422]).toContain(res.status);
      expectProblem(res, res.status);
    });
  });
});
