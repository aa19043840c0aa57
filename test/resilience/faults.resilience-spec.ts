import { execFileSync } from 'node:child_process';
import { Db, MongoClient } from 'mongodb';
import { EmbeddedDatabase, startEmbeddedFerretDb } from '../../src/database/embedded-ferretdb';
import { adminToken, ChildApp, serverErrorsIn, startApp } from './support/child-app';
import { RESILIENCE } from './support/env';
import { bearer, Exchange, login, send, sleep, waitFor } from './support/http';
import { assertProblem } from './support/problem';
import { settleUnknownTransactions, summarize, verifyNothingLost, waitForEmptyOutboxes } from './support/verify';
import { Ledger, Sample, startWorkload } from './support/workload';

/**
 * The service as deployed (`node main.js`, NODE_ENV=production) on its own FerretDB over
 * PostgreSQL, under a mixed workload at concurrency 32, through a database outage, a kill -9
 * and a SIGTERM. After each, everything the client was told happened must be in the database.
 */
const RUN_ID = `r${Date.now().toString(36)}`;
const POSTGRES_URL = `postgres://postgres@127.0.0.1:5432/ferretdb_resilience_${RUN_ID}`;
const STAFF = { username: 'load.staff', password: 'load-staff-password-123' };

jest.setTimeout(10 * 60_000);

describe(`under load and faults (concurrency ${RESILIENCE.concurrency}, ${RESILIENCE.loadSeconds} s of load)`, () => {
  let database: EmbeddedDatabase;
  let dbPort: number;
  let mongodbUri: string;
  let app: ChildApp;
  let client: MongoClient;
  let db: Db;
  let staffToken: string;
  let adminTok: string;
  const ledger = new Ledger(RUN_ID);
  let workload: { stop(): Promise<void> } | undefined;

  const startDatabase = async (port = 0) => {
    database = await startEmbeddedFerretDb({ backend: 'postgresql', postgresUrl: POSTGRES_URL, port });
    return Number(new URL(database.uri).port);
  };
  const run = () => {
    workload = startWorkload({ baseUrl: () => app.baseUrl, staffToken, adminToken: adminTok, concurrency: RESILIENCE.concurrency, ledger });
  };
  const stopWorkload = async () => {
    await workload?.stop();
    workload = undefined;
  };
  const during = (from: number, to = Infinity) => ledger.samples.filter((s) => s.startedAt >= from && s.startedAt < to);
  const describeSample = (s: Sample) => `${s.op} ${s.requestId}: ${s.status || s.error} after ${s.endedAt - s.startedAt} ms`;
  /** A restart keeps its configuration (secrets included), as a redeployed service would. */
  const restartApp = async (logName: string) => {
    app = await startApp({ mongodbUri, port: app.port, env: { JWT_SECRET: app.env.JWT_SECRET, ADMIN_PASSWORD: app.env.ADMIN_PASSWORD }, logName });
  };
  const refreshTokens = async () => {
    adminTok = await adminToken(app);
    staffToken = await login(app.baseUrl, STAFF.username, STAFF.password);
  };

  /** The full check, with the service up: settle unknown outcomes, drain outboxes, compare. */
  const expectNothingLost = async () => {
    expect(await settleUnknownTransactions(ledger, app.baseUrl, staffToken)).toEqual([]);
    expect(await waitForEmptyOutboxes(db, 30_000)).toBe(0);
    expect(await verifyNothingLost(ledger, db)).toEqual([]);
  };

  afterEach(() => {
    // A test that saw a 500 fails on it; this says what the service logged for it.
    if (during(0).some((s) => s.status === 500)) console.log(`500s logged by the service:\n${serverErrorsIn(app.log())}`);
    ledger.samples.length = 0;
  });

  beforeAll(async () => {
    dbPort = await startDatabase();
    mongodbUri = `mongodb://127.0.0.1:${dbPort}/resilience`;
    app = await startApp({ mongodbUri, logName: `faults-${RUN_ID}-1` });
    adminTok = await adminToken(app);
    const created = await send(app.baseUrl, 'POST', '/api/v1/auth/users', { headers: bearer(adminTok), body: { ...STAFF, role: 'staff' } });
    expect(created.status).toBe(201);
    staffToken = await login(app.baseUrl, STAFF.username, STAFF.password);
    for (let i = 0; i < RESILIENCE.seedCustomers; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, RESILIENCE.seedCustomers - i) }, async () => {
          const phone = ledger.nextPhone();
          const requestId = ledger.nextRequestId('seed');
          const res = await send(app.baseUrl, 'POST', '/api/v1/customer', {
            headers: { ...bearer(staffToken), 'X-Request-Id': requestId },
            body: { phone_number: phone, first_name: 'Seed', last_name: `Customer${i}` },
          });
          if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${res.text}`);
          ledger.writes.push({ kind: 'create', phone, requestId, outcome: 'acked' });
          ledger.phones.push(phone);
        }),
      );
    }
    client = new MongoClient(mongodbUri, { maxPoolSize: 2, serverSelectionTimeoutMS: 5000 });
    db = client.db();
  });

  afterAll(async () => {
    await stopWorkload();
    app?.kill('SIGKILL');
    await client?.close().catch(() => undefined);
    await database?.stop();
    try {
      const admin = new URL(POSTGRES_URL);
      admin.pathname = '/postgres';
      execFileSync('psql', [admin.toString(), '-qc', `DROP DATABASE IF EXISTS "ferretdb_resilience_${RUN_ID}"`], { stdio: 'ignore' });
    } catch {
      // left behind; harmless
    }
  });

  it('mixed load: no 5xx, no dropped connection, nothing lost', async () => {
    const from = Date.now();
    run();
    await sleep(RESILIENCE.loadSeconds * 1000);
    await stopWorkload();
    console.log(`load: ${summarize(ledger, from)}`);
    const failed = during(from).filter((s) => s.status >= 500 || s.status === 0);
    expect(failed.slice(0, 10).map(describeSample)).toEqual([]);
    expect(ledger.writes.filter((w) => w.kind === 'transaction' && w.outcome === 'acked').length).toBeGreaterThan(0);
    expect(ledger.writes.filter((w) => w.kind === 'status' && w.outcome === 'acked').length).toBeGreaterThan(0);
    await expectNothingLost();
  });

  it(`database outage (${RESILIENCE.outageSeconds} s): 503 within ${RESILIENCE.outageAnswerMs} ms while down, recovery without a restart, nothing lost`, async () => {
    const from = Date.now();
    run();
    await sleep(3000);
    const stoppedAt = Date.now();
    await database.stop();
    const downAt = Date.now();

    const probes: Array<{ what: string; res: Exchange }> = [];
    const phone = ledger.phones[0];
    while (Date.now() - stoppedAt < RESILIENCE.outageSeconds * 1000) {
      const [ready, read] = await Promise.all([
        send(app.baseUrl, 'GET', '/health/ready', { timeoutMs: 15_000 }),
        send(app.baseUrl, 'GET', `/api/v1/customer/${phone}`, { headers: bearer(staffToken), timeoutMs: 15_000 }),
      ]);
      probes.push({ what: 'ready', res: ready }, { what: 'read', res: read });
      await sleep(500);
    }
    const restartingAt = Date.now();
    expect(await startDatabase(dbPort)).toBe(dbPort);
    const recovered = await waitFor(async () => (await send(app.baseUrl, 'GET', '/health/ready', { timeoutMs: 5000 })).status === 200, 30_000, 250);
    const recoveredAt = Date.now();
    await sleep(5000);
    await stopWorkload();
    console.log(
      `outage: before ${summarize(ledger, from, stoppedAt)} | down ${summarize(ledger, downAt, restartingAt)} | ` +
        `restarting ${summarize(ledger, restartingAt, recoveredAt)} (${recoveredAt - restartingAt} ms) | after ${summarize(ledger, recoveredAt)}`,
    );

    expect(recovered).toBe(true);
    expect(await Promise.race([app.exited.then(() => 'exited'), sleep(0).then(() => 'same process')])).toBe('same process');
    // While down: the probes get a 503 problem, quickly.
    expect(probes.length).toBeGreaterThan(0);
    for (const { what, res } of probes) {
      expect({ what, status: res.status || res.error }).toEqual({ what, status: 503 });
      assertProblem(res, 503);
      expect((res.body as { code: string }).code).toBe('DATABASE_UNAVAILABLE');
      expect({ what, ms: res.ms, under: res.ms < RESILIENCE.outageAnswerMs }).toEqual({ what, ms: res.ms, under: true });
    }
    // The workload saw no 500 and no dropped connection at any time, and only 503s while the database was down.
    const broken = during(from).filter((s) => s.status === 0 || (s.status >= 500 && s.status !== 503));
    expect(broken.slice(0, 10).map(describeSample)).toEqual([]);
    const whileDown = during(downAt + 500, restartingAt).filter((s) => s.endedAt <= restartingAt);
    expect(whileDown.filter((s) => s.status !== 503).slice(0, 10).map(describeSample)).toEqual([]);
    expect(whileDown.filter((s) => s.endedAt - s.startedAt >= RESILIENCE.outageAnswerMs).slice(0, 10).map(describeSample)).toEqual([]);
    // Once ready again (plus a moment for the pool to refill), no 5xx at all.
    expect(during(recoveredAt + 2000).filter((s) => s.status >= 500).slice(0, 10).map(describeSample)).toEqual([]);
    await expectNothingLost();
  });

  it('kill -9 under load, then a restart: nothing lost, every audit entry relayed by the start-up sweep', async () => {
    const from = Date.now();
    run();
    await sleep(3000);
    app.kill('SIGKILL');
    expect((await app.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const leftInOutboxes = await db.collection('customers').countDocuments({ audit_pending: true });
    await sleep(1000);
    await restartApp(`faults-${RUN_ID}-2`);
    const restartedAt = Date.now();
    await sleep(3000);
    await stopWorkload();
    console.log(`crash: ${summarize(ledger, from, killedAt)}; ${leftInOutboxes} customers with audit entries waiting at the kill; after restart ${summarize(ledger, restartedAt)}`);

    const unknown = ledger.writes.filter((w) => w.outcome === 'unknown').length;
    console.log(`crash: ${unknown} writes with an unknown outcome to settle`);
    expect(during(restartedAt).filter((s) => s.status >= 500 || (s.status === 0 && s.error !== 'ECONNREFUSED')).slice(0, 10).map(describeSample)).toEqual([]);
    await refreshTokens();
    await expectNothingLost();
  });

  it('SIGTERM under load: in-flight requests complete, exit code 0, nothing lost', async () => {
    const from = Date.now();
    run();
    await sleep(3000);
    const termAt = Date.now();
    app.kill('SIGTERM');
    const exit = await Promise.race([app.exited, sleep(30_000).then(() => undefined)]);
    await stopWorkload();
    console.log(`sigterm: ${summarize(ledger, from, termAt)}; after SIGTERM ${summarize(ledger, termAt)}; exit ${JSON.stringify(exit)}`);

    expect(exit).toEqual({ code: 0, signal: null });
    // Requests the service had accepted before the signal (sent 200 ms earlier, still open then).
    const inFlight = during(from, termAt - 200).filter((s) => s.endedAt >= termAt);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((s) => s.status === 0 || s.status >= 500).map(describeSample)).toEqual([]);
    // Later ones may be turned away (503, or refused once it stopped listening), never reset mid-answer.
    expect(during(termAt).filter((s) => s.status >= 500 && s.status !== 503).map(describeSample)).toEqual([]);

    await restartApp(`faults-${RUN_ID}-3`);
    await refreshTokens();
    await expectNothingLost();
  });
});
