import type { Response } from 'supertest';
import { TestApp, useTestApp } from '../support/test-app';
import {
  AUDIT,
  bearer,
  createCustomer,
  CUSTOMERS,
  expectNothingWritten,
  expectProblem,
  expectValidationError,
  phonePath,
} from '../support/customers';

/**
 * Input that no DTO rule names but that a client can still send: NUL characters (which
 * FerretDB's PostgreSQL backend cannot store), query parameters a route does not declare, and
 * integers written in other notations. Each is a 422 that changes nothing, never a 500.
 */
describe('input hygiene', () => {
  let t: TestApp;
  let admin: string;
  let phone: string;
  useTestApp((app) => (t = app));
  beforeEach(async () => {
    admin = await t.adminToken();
    phone = (await createCustomer(t, admin)).phone_number;
  });

  describe('NUL characters', () => {
    const nul: [string, string, () => Promise<Response>][] = [
      [
        'a first name on create',
        'first_name',
        () =>
          t
            .http()
            .post(CUSTOMERS)
            .set(bearer(admin))
            .send({ phone_number: '5550001111', first_name: 'Jo\u0000hn', last_name: 'Smith' })
            .then((r) => r),
      ],
      [
        'notes on create',
        'notes',
        () =>
          t
            .http()
            .post(CUSTOMERS)
            .set(bearer(admin))
            .send({
              phone_number: '5550001111',
              first_name: 'John',
              last_name: 'Smith',
              notes: '\u0000',
            })
            .then((r) => r),
      ],
      [
        'notes on update',
        'notes',
        () =>
          t
            .http()
            .put(phonePath(phone))
            .set(bearer(admin))
            .send({ notes: 'a\u0000b' })
            .then((r) => r),
      ],
      [
        'a last name on update',
        'last_name',
        () =>
          t
            .http()
            .put(phonePath(phone))
            .set(bearer(admin))
            .send({ last_name: 'Smith\u0000' })
            .then((r) => r),
      ],
      [
        'a body key',
        'no\u0000te',
        () =>
          t
            .http()
            .put(phonePath(phone))
            .set(bearer(admin))
            .send({ 'no\u0000te': 'x' })
            .then((r) => r),
      ],
      [
        'a search',
        'search',
        () =>
          t
            .http()
            .get(`${CUSTOMERS}?search=jo%00hn`)
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'an audit actor filter',
        'actor',
        () =>
          t
            .http()
            .get(`${AUDIT}?actor=ad%00min`)
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'a username on login',
        'username',
        () =>
          t
            .http()
            .post('/api/v1/auth/login')
            .send({ username: 'ad\u0000min', password: 'whatever-password' })
            .then((r) => r),
      ],
      [
        'a new username',
        'username',
        () =>
          t
            .http()
            .post('/api/v1/auth/users')
            .set(bearer(admin))
            .send({ username: 'clerk\u0000x', password: 'a-long-passphrase', role: 'staff' })
            .then((r) => r),
      ],
      [
        'a username in the path',
        'username',
        () =>
          t
            .http()
            .patch('/api/v1/auth/users/clerk%00x')
            .set(bearer(admin))
            .send({ active: false })
            .then((r) => r),
      ],
    ];
    it.each(nul)('in %s: 422 on that field, nothing written', async (_where, field, send) => {
      const res = await expectNothingWritten(t, send);
      expectValidationError(res, field);
    });
  });

  describe('lone surrogates (not text: they would be stored as U+FFFD)', () => {
    // Raw JSON, so that the escapes reach the server as sent.
    const raw = (body: string) => body;
    const surrogates: [string, string, () => Promise<Response>][] = [
      [
        'an email on create',
        'email',
        () =>
          t
            .http()
            .post(CUSTOMERS)
            .set(bearer(admin))
            .set('Content-Type', 'application/json')
            .send(
              raw(
                '{"phone_number":"5550001111","first_name":"Ann","last_name":"Lee","email":"\\ud800"}',
              ),
            )
            .then((r) => r),
      ],
      [
        'an email on update',
        'email',
        () =>
          t
            .http()
            .put(phonePath(phone))
            .set(bearer(admin))
            .set('Content-Type', 'application/json')
            .send(raw('{"email":"a\\ud800@x.co"}'))
            .then((r) => r),
      ],
      [
        'a first name',
        'first_name',
        () =>
          t
            .http()
            .put(phonePath(phone))
            .set(bearer(admin))
            .set('Content-Type', 'application/json')
            .send(raw('{"first_name":"a\\udc00b"}'))
            .then((r) => r),
      ],
      [
        'a password',
        'password',
        () =>
          t
            .http()
            .post('/api/v1/auth/users')
            .set(bearer(admin))
            .set('Content-Type', 'application/json')
            .send(raw('{"username":"clerk.x","password":"abcdefghijk\\ud800","role":"staff"}'))
            .then((r) => r),
      ],
    ];
    it.each(surrogates)(
      'in %s: 422 on that field, nothing written',
      async (_where, field, send) => {
        const res = await expectNothingWritten(t, send);
        expectValidationError(res, field);
      },
    );

    it('answers a query string whose percent-encoding is not UTF-8 with 400, as a path', async () => {
      for (const query of ['reason=%ED%A0%80abc', 'reason=abc%FF', 'reason=%E0%A4%A']) {
        const res = await expectNothingWritten(t, () =>
          t
            .http()
            .post(`${phonePath(phone)}/suspend?${query}`)
            .set(bearer(admin))
            .then((r) => r),
        );
        expectProblem(res, 400, 'MALFORMED_REQUEST');
      }
    });

    it('keeps well-formed astral characters (emoji) as sent', async () => {
      const res = await t
        .http()
        .put(phonePath(phone))
        .set(bearer(admin))
        .send({ notes: 'pays in 💵' })
        .expect(200);
      expect(res.body.notes).toBe('pays in 💵');
    });
  });

  describe('keys named after Object.prototype members', () => {
    it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty'])(
      '%s in a body or a query is an unknown field (422)',
      async (key) => {
        const body = await expectNothingWritten(t, () =>
          t
            .http()
            .post(CUSTOMERS)
            .set(bearer(admin))
            .send({
              phone_number: '5550001111',
              first_name: 'Ann',
              last_name: 'Lee',
              [key]: { $gt: '' },
            })
            .then((r) => r),
        );
        expectValidationError(body, key);
        expectValidationError(await t.http().get(`${CUSTOMERS}?${key}=1`).set(bearer(admin)), key);
      },
    );
  });

  describe('invisible characters', () => {
    it('trims zero-width and direction marks at the ends of names and reasons, so blank-looking values are empty', async () => {
      expectValidationError(
        await t
          .http()
          .put(phonePath(phone))
          .set(bearer(admin))
          .send({ first_name: '\u200b\u202e' }),
        'first_name',
      );
      expectValidationError(
        await t
          .http()
          .post(`${phonePath(phone)}/suspend`)
          .set(bearer(admin))
          .send({ reason: '\u200b'.repeat(5) }),
        'reason',
      );
      const res = await t
        .http()
        .put(phonePath(phone))
        .set(bearer(admin))
        .send({ first_name: '\u200bAnn\u200f' })
        .expect(200);
      expect(res.body.first_name).toBe('Ann');
    });

    it('refuses control characters inside names and invisible ones inside emails', async () => {
      expectValidationError(
        await t.http().put(phonePath(phone)).set(bearer(admin)).send({ last_name: 'Le\te' }),
        'last_name',
      );
      expectValidationError(
        await t.http().put(phonePath(phone)).set(bearer(admin)).send({ email: 'a\u200bb@x.co' }),
        'email',
      );
      const res = await t
        .http()
        .put(phonePath(phone))
        .set(bearer(admin))
        .send({ email: 'ann@x.co\u200b' })
        .expect(200);
      expect(res.body.email).toBe('ann@x.co');
    });
  });

  describe('query parameters a route does not declare', () => {
    const undeclared: [string, () => Promise<Response>][] = [
      [
        'GET one customer',
        () =>
          t
            .http()
            .get(`${phonePath(phone)}?foo=bar`)
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'GET /stats',
        () =>
          t
            .http()
            .get(`${CUSTOMERS}/stats?foo=bar`)
            .set(bearer(admin))
            .then((r) => r),
      ],
      [
        'PUT',
        () =>
          t
            .http()
            .put(`${phonePath(phone)}?first_name=Eve`)
            .set(bearer(admin))
            .send({ notes: 'x' })
            .then((r) => r),
      ],
      [
        'a transaction',
        () =>
          t
            .http()
            .post(`${phonePath(phone)}/transactions?type=sale`)
            .set(bearer(admin))
            .send({ type: 'purchase' })
            .then((r) => r),
      ],
      [
        'GET /auth/me',
        () =>
          t
            .http()
            .get('/api/v1/auth/me?role=admin')
            .set(bearer(admin))
            .then((r) => r),
      ],
    ];
    it.each(undeclared)('%s: 422 naming the parameter, nothing written', async (_route, send) => {
      const res = await expectNothingWritten(t, send);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(foo|first_name|type|role)$/)]),
      );
    });

    it('still answers 401 and 403 before looking at the query', async () => {
      expect((await t.http().get(`${CUSTOMERS}/stats?foo=bar`)).status).toBe(401);
      const staff = await t.userToken('staff');
      expect((await t.http().get(`${CUSTOMERS}/stats?foo=bar`).set(bearer(staff))).status).toBe(
        403,
      );
    });

    it('accepts the routes that take none when none is sent', async () => {
      await t.http().get(phonePath(phone)).set(bearer(admin)).expect(200);
      await t.http().get(`${CUSTOMERS}/stats`).set(bearer(admin)).expect(200);
    });
  });

  describe('page and per_page', () => {
    it.each(['abc', '1e1', ' 2', '0x10', '2.0', '-1', '0', ''])(
      'refuses page=%j with a message about integers or bounds',
      async (value) => {
        for (const path of [CUSTOMERS, `${phonePath(phone)}/history`, AUDIT]) {
          const res = await t.http().get(path).query({ page: value }).set(bearer(admin));
          expectValidationError(res, 'page');
          expect(res.body.errors[0].message).not.toMatch(/greater than/);
        }
      },
    );

    it('reads plain digits', async () => {
      const res = await t
        .http()
        .get(CUSTOMERS)
        .query({ page: '2', per_page: '05' })
        .set(bearer(admin))
        .expect(200);
      expect(res.body).toMatchObject({ page: 2, per_page: 5 });
    });
  });
});
