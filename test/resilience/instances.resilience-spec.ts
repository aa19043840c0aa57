import { Client } from 'pg';
import { EmbeddedDatabase, startEmbeddedFerretDb } from '../../src/database/embedded-ferretdb';
import { adminToken, ChildApp, startApp } from './support/child-app';
import { bearer, login, send, sleep } from './support/http';

const RUN_ID = `i${Date.now().toString(36)}`;
const PG_DATABASE = `ferretdb_resilience_${RUN_ID}`;
const POSTGRES_URL = `postgres://postgres@127.0.0.1:5432/${PG_DATABASE}`;
const JANE = { username: 'clerk.jane', password: 'clerk-jane-password', role: 'staff' };
const TTL_MS = 400;

jest.setTimeout(120_000);

/**
 * Three instances of the service, as separate processes, on one database. The one that disables
 * a user drops its cached identity at once; another trusts its cached one for at most
 * AUTH_USER_CACHE_MS; with the cache off, every instance sees the change at once.
 */
describe('a user change across instances', () => {
  let database: EmbeddedDatabase;
  const apps: ChildApp[] = [];

  beforeAll(async () => {
    database = await startEmbeddedFerretDb({ backend: 'postgresql', postgresUrl: POSTGRES_URL });
    const mongodbUri = `${database.uri.replace(/\/$/, '')}/instances`;
    const first = await startApp({ mongodbUri, logName: `instances-${RUN_ID}-a` });
    apps.push(first);
    // The same secrets, as instances of one deployment share them.
    const shared = { JWT_SECRET: first.env.JWT_SECRET, ADMIN_PASSWORD: first.env.ADMIN_PASSWORD };
    apps.push(
      await startApp({
        mongodbUri,
        logName: `instances-${RUN_ID}-b`,
        env: { ...shared, AUTH_USER_CACHE_MS: String(TTL_MS) },
      }),
    );
    apps.push(
      await startApp({
        mongodbUri,
        logName: `instances-${RUN_ID}-c`,
        env: { ...shared, AUTH_USER_CACHE_MS: '0' },
      }),
    );
  });

  afterAll(async () => {
    for (const app of apps) app.kill('SIGKILL');
    await database?.stop();
    const admin = new Client({
      connectionString: POSTGRES_URL.replace(`/${PG_DATABASE}`, '/postgres'),
    });
    await admin
      .connect()
      .then(() => admin.query(`DROP DATABASE IF EXISTS "${PG_DATABASE}" WITH (FORCE)`))
      .catch(() => undefined) // left behind; harmless
      .finally(() => admin.end());
  });

  it('applies at once where it was made and with the cache off, within AUTH_USER_CACHE_MS elsewhere', async () => {
    const [a, b, uncached] = apps;
    const admin = await adminToken(a);
    expect(
      (await send(a.baseUrl, 'POST', '/api/v1/auth/users', { headers: bearer(admin), body: JANE }))
        .status,
    ).toBe(201);
    const token = await login(a.baseUrl, JANE.username, JANE.password);
    const me = (app: ChildApp) =>
      send(app.baseUrl, 'GET', '/api/v1/auth/me', { headers: bearer(token) });
    for (const app of apps) expect((await me(app)).status).toBe(200); // each now knows Jane as active

    const disabledAt = Date.now();
    const disabled = await send(a.baseUrl, 'PATCH', `/api/v1/auth/users/${JANE.username}`, {
      headers: bearer(admin),
      body: { active: false },
    });
    expect(disabled.status).toBe(200);
    expect((await me(a)).status).toBe(401);
    expect((await me(uncached)).status).toBe(401);

    await sleep(Math.max(0, disabledAt + TTL_MS + 100 - Date.now()));
    expect((await me(b)).status).toBe(401);
  });
});
