import { AccessLogRepository } from '../../src/access-log/access-log.repository';
import { AccessLogService } from '../../src/access-log/access-log.service';
import { expectProblem } from '../platform/problem-assertions';
import { bearer, createCustomer, phonePath, uniquePhone } from '../support/customers';
import { ADMIN, startTestApp, TestApp } from '../support/test-app';

const ACCESS_LOG = '/api/v1/access-log';
const ENTRY_KEYS = ['actor', 'at', 'phone_number', 'request_id', 'route'];

describe('access log: who read which customer', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  const accessLog = (query: Record<string, string | number> = {}, token = admin) =>
    t.http().get(ACCESS_LOG).query(query).set(bearer(token));
  const stored = () => t.connection.db!.collection('access_log');

  it('records each read route: who, when, which customer, which route, which request', async () => {
    const { phone_number: phone } = await createCustomer(t, admin);
    const staff = await t.userToken('staff', 'clerk.reader');
    const before = Date.now();
    const read = await t.http().get(phonePath(phone)).set(bearer(staff)).expect(200);
    const history = await t
      .http()
      .get(`${phonePath(phone)}/history`)
      .set(bearer(staff))
      .expect(200);
    // The formatted number in the path is the same customer.
    await t
      .http()
      .get(phonePath(`(${phone.slice(0, 3)}) ${phone.slice(3, 6)}-${phone.slice(6)}`))
      .set(bearer(admin))
      .expect(200);

    const res = await accessLog().expect(200);
    expect(res.body).toMatchObject({ total: 3, page: 1, per_page: 10, pages: 1 });
    const [third, second, first] = res.body.items;
    for (const item of res.body.items) expect(Object.keys(item).sort()).toEqual(ENTRY_KEYS);
    expect(first).toEqual({
      at: expect.any(String),
      actor: { username: 'clerk.reader', role: 'staff' },
      phone_number: phone,
      route: 'GET /api/v1/customer/:phone',
      request_id: read.headers['x-request-id'],
    });
    expect(Date.parse(first.at)).toBeGreaterThanOrEqual(before - 5);
    expect(second).toMatchObject({
      route: 'GET /api/v1/customer/:phone/history',
      request_id: history.headers['x-request-id'],
    });
    expect(third).toMatchObject({
      actor: { username: ADMIN.username, role: 'admin' },
      phone_number: phone,
    });
  });

  it('records no list, no write, no failed read', async () => {
    const { phone_number: phone } = await createCustomer(t, admin);
    await t.http().get('/api/v1/customer').set(bearer(admin)).expect(200);
    await t.http().put(phonePath(phone)).set(bearer(admin)).send({ notes: 'x' }).expect(200);
    await t.http().get(phonePath(uniquePhone())).set(bearer(admin)).expect(404);
    await t.http().get(phonePath('12')).set(bearer(admin)).expect(422);
    await t.http().get(phonePath(phone)).expect(401);
    await t.app.get(AccessLogService).flush();
    expect(await stored().countDocuments()).toBe(0);
  });

  it('writes in batches off the request path: reads are answered while the database write is held up', async () => {
    const { phone_number: phone } = await createCustomer(t, admin);
    const service = t.app.get(AccessLogService);
    const repository = t.app.get(AccessLogRepository);
    await service.flush();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const batches: number[] = [];
    const original = repository.insertMany.bind(repository);
    const insert = jest.spyOn(repository, 'insertMany');
    insert.mockImplementation(async (entries) => {
      batches.push(entries.length);
      await held;
      return original(entries);
    });
    try {
      await t.http().get(phonePath(phone)).set(bearer(admin)).expect(200);
      const flushing = service.flush(); // as the timer would
      // Held up: further reads are still answered at once, and wait for the next batch.
      for (let i = 0; i < 3; i++)
        await t.http().get(phonePath(phone)).set(bearer(admin)).expect(200);
      expect(await stored().countDocuments()).toBe(0);
      release();
      await flushing;
      await service.flush();
      expect(batches).toEqual([1, 3]);
      expect(await stored().countDocuments()).toBe(4);
    } finally {
      release();
      insert.mockRestore();
    }
  });

  it('keeps a batch the database refused, and writes it with the next one', async () => {
    const { phone_number: phone } = await createCustomer(t, admin);
    const service = t.app.get(AccessLogService);
    const repository = t.app.get(AccessLogRepository);
    await service.flush();
    const insert = jest
      .spyOn(repository, 'insertMany')
      .mockRejectedValueOnce(new Error('database away'));
    try {
      await t.http().get(phonePath(phone)).set(bearer(admin)).expect(200);
      await service.flush(); // refused (by this call or the timer's)
      await t
        .http()
        .get(`${phonePath(phone)}/history`)
        .set(bearer(admin))
        .expect(200);
      await service.flush();
      expect(insert.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(await insert.mock.results[0].value.catch((e: Error) => e.message)).toBe(
        'database away',
      );
      expect(await stored().countDocuments()).toBe(2);
    } finally {
      insert.mockRestore();
    }
  });

  it('filters by actor, phone, since and until, and paginates like the other lists', async () => {
    const [a, b] = [await createCustomer(t, admin), await createCustomer(t, admin)];
    const staff = await t.userToken('staff', 'clerk.filter');
    for (let i = 0; i < 3; i++)
      await t.http().get(phonePath(a.phone_number)).set(bearer(staff)).expect(200);
    await t.http().get(phonePath(b.phone_number)).set(bearer(admin)).expect(200);

    const byActor = await accessLog({ actor: 'Clerk.Filter' }).expect(200);
    expect(byActor.body.total).toBe(3);
    const byPhone = await accessLog({ phone: b.phone_number }).expect(200);
    expect(
      byPhone.body.items.map((i: { actor: { username: string } }) => i.actor.username),
    ).toEqual([ADMIN.username]);
    const page2 = await accessLog({ per_page: 2, page: 2 }).expect(200);
    expect(page2.body).toMatchObject({ total: 4, page: 2, per_page: 2, pages: 2 });
    expect(page2.body.items).toHaveLength(2);
    const all = (await accessLog({ per_page: 100 }).expect(200)).body.items as { at: string }[];
    const ats = all.map((i) => i.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect((await accessLog({ since: ats[0] }).expect(200)).body.total).toBeGreaterThanOrEqual(1);
    expect((await accessLog({ until: '2000-01-01' }).expect(200)).body.total).toBe(0);
    expect(
      (
        await accessLog({
          since: new Date().toISOString().slice(0, 10),
          until: '2999-12-31',
        }).expect(200)
      ).body.total,
    ).toBe(4);
  });

  it('is for admins only, and refuses bad filters with 422', async () => {
    const staff = await t.userToken('staff');
    expectProblem(await accessLog({}, staff), 403, 'FORBIDDEN');
    expectProblem(await t.http().get(ACCESS_LOG), 401, 'UNAUTHENTICATED');
    const badQueries: Record<string, string | number>[] = [
      { phone: '123' },
      { since: 'yesterday' },
      { per_page: 101 },
      { 'actor[$ne]': 'x' },
      { nope: 1 },
    ];
    for (const query of badQueries) expectProblem(await accessLog(query), 422, 'VALIDATION_FAILED');
    expectProblem(
      await accessLog({ since: '2026-02-01', until: '2026-01-01' }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('purges entries older than the retention', async () => {
    const day = 24 * 60 * 60 * 1000;
    const entry = (ageDays: number) => ({
      at: new Date(Date.now() - ageDays * day),
      actor: 'someone',
      actor_role: 'staff',
      phone_number: '5551234567',
      route: 'GET /api/v1/customer/:phone',
      request_id: `r-${ageDays}`,
    });
    await stored().insertMany([entry(1), entry(729), entry(731), entry(2000)]);
    expect(await t.app.get(AccessLogService).purge()).toBe(2);
    const left = await stored().find().toArray();
    expect(left.map((e) => e.request_id).sort()).toEqual(['r-1', 'r-729']);
  });
});

describe('access log turned off (ACCESS_LOG=off)', () => {
  it('records nothing', async () => {
    const t = await startTestApp({ ACCESS_LOG: 'off' });
    try {
      const admin = await t.adminToken();
      const { phone_number: phone } = await createCustomer(t, admin);
      await t.http().get(phonePath(phone)).set(bearer(admin)).expect(200);
      await t.app.get(AccessLogService).flush();
      expect(await t.connection.db!.collection('access_log').countDocuments()).toBe(0);
    } finally {
      await t.close();
    }
  });
});
