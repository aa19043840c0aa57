import { startTestApp, TestApp } from '../support/test-app';
import {
  AUDIT,
  bearer,
  createCustomer,
  CUSTOMERS,
  expectCustomer,
  expectNothingWritten,
  expectValidationError,
  getCustomer,
  phonePath,
} from '../support/customers';

/** What the OpenAPI document and the service now say alike (issue 13's decisions). */
describe('the document and the service agree', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => (t = await startTestApp()));
  beforeEach(async () => {
    await t.reset();
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  const post = (body: unknown) => t.http().post(CUSTOMERS).set(bearer(admin)).send(body as object);
  const put = (phone: string, body: unknown) => t.http().put(phonePath(phone)).set(bearer(admin)).send(body as object);
  const base = { phone_number: '5551230001', first_name: 'Ann', last_name: 'Lee' };

  it.each([
    ['""', ''],
    ['only blanks', '   '],
    ['null', null],
  ])('create: an email of %s means no email (201, no email stored)', async (_label, email) => {
    const created = expectCustomer(await post({ ...base, email }), 201);
    expect(created).not.toHaveProperty('email');
    expect(await getCustomer(t, admin, base.phone_number)).not.toHaveProperty('email');
  });

  it('create: notes of null means no notes', async () => {
    const created = expectCustomer(await post({ ...base, notes: null }), 201);
    expect(created).not.toHaveProperty('notes');
  });

  it('update: an email of "" removes it', async () => {
    await createCustomer(t, admin, { phone_number: base.phone_number, email: 'ann@example.com' });
    const updated = expectCustomer(await put(base.phone_number, { email: '' }), 200);
    expect(updated).not.toHaveProperty('email');
    expect(await getCustomer(t, admin, base.phone_number)).not.toHaveProperty('email');
  });

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-11-30T24:00:00Z', '2026-11-30t10:00:00z', '2026-11-30T10:00:00z'])(
    'audit: since=%s is refused (422), as the pattern says',
    async (since) => {
      const res = await t.http().get(`${AUDIT}?since=${encodeURIComponent(since)}`).set(bearer(admin));
      expectValidationError(res, 'since');
    },
  );

  it.each(['2024-02-29', '2026-11-30T23:59:59.5+01:00'])('audit: since=%s is taken (200)', async (since) => {
    await t.http().get(`${AUDIT}?since=${encodeURIComponent(since)}`).set(bearer(admin)).expect(200);
  });

  it.each(['E', 'a b', '😀', 'ab'])('a {username} no user can have (%j) is a 422, as its pattern says', async (name) => {
    const res = await t.http().patch(`/api/v1/auth/users/${encodeURIComponent(name)}`).set(bearer(admin)).send({ role: 'staff' });
    expectValidationError(res, 'username');
  });

  it('an empty list of statuses is refused (422), as minItems says', async () => {
    const res = await expectNothingWritten(t, () => t.http().get(`${CUSTOMERS}?status=`).set(bearer(admin)));
    expectValidationError(res, 'status');
  });
});
