import { MongoClient } from 'mongodb';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { adminToken, ChildApp, startApp } from './support/child-app';
import { bearer, send, sleep } from './support/http';

const RUN_ID = `s${Date.now().toString(36)}`;
const LOAD_CLIENTS = 16;

jest.setTimeout(120_000);

function databaseUri(name: string): string {
  const uri = new URL(process.env.TEST_MONGODB_URI!);
  uri.pathname = `/${name}`;
  return uri.toString();
}

/** Whether anything accepts a TCP connection at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Real processes on one database: what the customer-information safeguards promise across instances and at shutdown. */
describe('customer information safeguards, as deployed', () => {
  const apps: ChildApp[] = [];
  const databases: string[] = [];
  let mongo: MongoClient;
  /** Each test its own database (each first start creates its own admin). */
  let database = '';

  beforeAll(async () => {
    mongo = await new MongoClient(databaseUri('admin')).connect();
  });
  beforeEach(() => {
    database = `safeguards_${RUN_ID}_${databases.length}`;
    databases.push(database);
  });
  afterAll(async () => {
    for (const app of apps) app.kill('SIGKILL');
    for (const name of databases)
      await mongo
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
    await mongo.close();
  });

  it('listens on the loopback interface only, unless HOST says otherwise', async () => {
    const app = await startApp({
      mongodbUri: databaseUri(database),
      logName: `safeguards-${RUN_ID}-host`,
    });
    apps.push(app);
    expect(await accepts('127.0.0.1', app.port)).toBe(true);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    // A machine with no other interface has nothing more to show.
    if (outside) expect(await accepts(outside.address, app.port)).toBe(false);
    app.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  });

  it('a token logged out on one instance is refused by another at once', async () => {
    const a = await startApp({
      mongodbUri: databaseUri(database),
      logName: `safeguards-${RUN_ID}-a`,
      env: { AUTH_USER_CACHE_MS: '60000' },
    });
    apps.push(a);
    const b = await startApp({
      mongodbUri: databaseUri(database),
      logName: `safeguards-${RUN_ID}-b`,
      env: {
        JWT_SECRET: a.env.JWT_SECRET,
        ADMIN_PASSWORD: a.env.ADMIN_PASSWORD,
        AUTH_USER_CACHE_MS: '60000',
      },
    });
    apps.push(b);
    const token = await adminToken(a);
    const me = (app: ChildApp) =>
      send(app.baseUrl, 'GET', '/api/v1/auth/me', { headers: bearer(token) });
    // Both instances have just checked the token (and cached its user for a minute).
    expect((await me(a)).status).toBe(200);
    expect((await me(b)).status).toBe(200);
    expect(
      (await send(a.baseUrl, 'POST', '/api/v1/auth/logout', { headers: bearer(token) })).status,
    ).toBe(204);
    expect((await me(b)).status).toBe(401);
    expect((await me(a)).status).toBe(401);
    for (const app of [a, b]) app.kill('SIGTERM');
    for (const app of [a, b]) expect((await app.exited).code).toBe(0);
  });

  it('loses no access-log entry on SIGTERM under load: every read answered 200 is recorded', async () => {
    const app = await startApp({
      mongodbUri: databaseUri(database),
      logName: `safeguards-${RUN_ID}-sigterm`,
    });
    apps.push(app);
    const token = await adminToken(app);
    const phone = `555${String(Date.now()).slice(-7)}`;
    const created = await send(app.baseUrl, 'POST', '/api/v1/customer', {
      headers: bearer(token),
      body: { phone_number: phone, first_name: 'Load', last_name: 'Reader' },
    });
    expect(created.status).toBe(201);
    const accessLog = mongo.db(database).collection('access_log');
    await accessLog.deleteMany({});

    let stopping = false;
    let answered = 0;
    const client = async (index: number) => {
      for (let i = 0; ; i++) {
        const path =
          (index + i) % 2 === 0 ? `/api/v1/customer/${phone}` : `/api/v1/customer/${phone}/history`;
        const res = await send(app.baseUrl, 'GET', path, {
          headers: bearer(token),
          timeoutMs: 10_000,
        });
        if (res.status === 200) answered += 1;
        else if (stopping)
          return; // 503 while closing, or refused once closed
        else throw new Error(`unexpected ${res.status} ${res.error ?? res.text}`);
      }
    };
    const load = Promise.all(Array.from({ length: LOAD_CLIENTS }, (_, i) => client(i)));
    // Long enough for several timed flushes, then a signal in the middle of the next second.
    await sleep(2500);
    const answeredBeforeSignal = answered;
    stopping = true;
    app.kill('SIGTERM');
    const exit = await app.exited;
    await load;
    expect(exit.code).toBe(0);
    expect(answeredBeforeSignal).toBeGreaterThan(50);

    const recorded = await accessLog.countDocuments({ phone_number: phone });
    expect(recorded).toBe(answered);
    const routes = await accessLog.distinct('route');
    expect(routes.sort()).toEqual([
      'GET /api/v1/customer/:phone',
      'GET /api/v1/customer/:phone/history',
    ]);
  });
});
