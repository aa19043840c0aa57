import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { EmbeddedDatabase, startEmbeddedFerretDb } from '../../src/database/embedded-ferretdb';
import { adminToken, ChildApp, startApp } from './support/child-app';
import { bearer, Exchange, send, sleep, waitFor } from './support/http';

const RUN_ID = `w${Date.now().toString(36)}`;
const PG_DATABASE = `ferretdb_resilience_${RUN_ID}`;
const POSTGRES_URL = `postgres://postgres@127.0.0.1:5432/${PG_DATABASE}`;
const PHONES = ['5550100001', '5550100002', '5550100003', '5550100004'];
const OPERATIONS = 300;

jest.setTimeout(300_000);

type Kind = 'transaction' | 'update' | 'status';
interface Write {
  kind: Kind;
  phone: string;
  requestId: string;
  detail: string;
  app: number;
  result?: Exchange;
}

/** Loans open and close, payments and sales count, notes change, status flips: on a handful of customers. */
function workload(apps: number): Write[] {
  const kinds: Array<[Kind, string]> = [
    ['transaction', 'loan_opened'],
    ['transaction', 'payment'],
    ['transaction', 'loan_redeemed'],
    ['update', 'notes'],
    ['transaction', 'sale'],
    ['status', 'suspend'],
    ['transaction', 'purchase'],
    ['status', 'reactivate'],
    ['transaction', 'loan_forfeited'],
    ['update', 'last_name'],
  ];
  return Array.from({ length: OPERATIONS }, (_, i) => {
    const [kind, detail] = kinds[i % kinds.length];
    return { kind, detail, phone: PHONES[i % PHONES.length], requestId: `${RUN_ID}-${i}`, app: i % apps };
  });
}

function sendWrite(write: Write, app: ChildApp, token: string): Promise<Exchange> {
  const headers = { ...bearer(token), 'X-Request-Id': write.requestId };
  const path = `/api/v1/customer/${write.phone}`;
  if (write.kind === 'transaction')
    return send(app.baseUrl, 'POST', `${path}/transactions`, { headers, body: { type: write.detail }, timeoutMs: 60_000 });
  if (write.kind === 'update')
    return send(app.baseUrl, 'PUT', path, { headers, body: { [write.detail]: `${write.detail} ${write.requestId}` }, timeoutMs: 60_000 });
  return send(app.baseUrl, 'POST', `${path}/${write.detail}?reason=load%20test`, { headers, timeoutMs: 60_000 });
}

const EFFECTS: Record<string, { loans: number; total: number }> = {
  loan_opened: { loans: 1, total: 1 },
  loan_redeemed: { loans: -1, total: 1 },
  loan_forfeited: { loans: -1, total: 0 },
  payment: { loans: 0, total: 1 },
  sale: { loans: 0, total: 1 },
  purchase: { loans: 0, total: 1 },
};

interface StoredEvent {
  request_id: string;
  action: string;
  version?: number;
  transaction_type?: string;
}

/**
 * What every instance told its clients, checked in the database: each customer's audit events
 * hold every acknowledged write exactly once, their versions run 1..version with no gap and no
 * repeat, each acknowledged answer's version is the one its event carries, the counters are the
 * sum of the transactions the events record, and the history route lists them newest version first.
 */
async function verify(writes: Write[], apps: ChildApp[], token: string, db: ReturnType<MongoClient['db']>) {
  const problems: string[] = [];
  for (const phone of PHONES) {
    const customer = await db.collection('customers').findOne({ phone_number: phone });
    if (!customer) {
      problems.push(`${phone}: missing`);
      continue;
    }
    const events = (await db
      .collection('audit_events')
      .find({ customer_id: customer._id })
      .toArray()) as unknown as StoredEvent[];
    const versions = events.map((e) => e.version ?? -1).sort((a, b) => a - b);
    const expected = Array.from({ length: customer.version as number }, (_, i) => i + 1);
    if (JSON.stringify(versions) !== JSON.stringify(expected))
      problems.push(`${phone}: event versions ${versions.join(',')} for customer version ${customer.version}`);
    const byRequest = new Map<string, StoredEvent[]>();
    for (const event of events) byRequest.set(event.request_id, [...(byRequest.get(event.request_id) ?? []), event]);
    let loans = 0;
    let total = 0;
    for (const event of events) {
      if (event.action !== 'customer.transaction_recorded') continue;
      loans += EFFECTS[event.transaction_type!].loans;
      total += EFFECTS[event.transaction_type!].total;
    }
    if (customer.active_loans !== loans || customer.total_transactions !== total)
      problems.push(`${phone}: counters ${customer.active_loans}/${customer.total_transactions}, events sum to ${loans}/${total}`);
    for (const write of writes.filter((w) => w.phone === phone)) {
      const status = write.result?.status ?? 0;
      const recorded = byRequest.get(write.requestId) ?? [];
      if (status >= 200 && status < 300) {
        const version = (write.result!.body as { version: number }).version;
        if (recorded.length !== 1) problems.push(`${write.requestId} acknowledged, ${recorded.length} events`);
        else if (recorded[0].version !== version)
          problems.push(`${write.requestId} answered version ${version}, its event says ${recorded[0].version}`);
      } else if (status >= 400 && status < 500 && recorded.length > 0) {
        problems.push(`${write.requestId} refused with ${status} but recorded`);
      } else if (recorded.length > 1) {
        problems.push(`${write.requestId} recorded ${recorded.length} times`);
      }
    }
    const history = await send(apps[0].baseUrl, 'GET', `/api/v1/customer/${phone}/history?per_page=100`, {
      headers: bearer(token),
    });
    const listed = (history.body as { items: StoredEvent[] }).items.map((e) => e.version);
    const newestFirst = [...expected].reverse().slice(0, 100);
    if (JSON.stringify(listed) !== JSON.stringify(newestFirst))
      problems.push(`${phone}: history lists versions ${listed.join(',')}`);
  }
  for (const write of writes) {
    const status = write.result?.status ?? 0;
    if (status >= 500 && status !== 503) problems.push(`${write.requestId}: ${status} ${write.result?.text.slice(0, 200)}`);
  }
  return problems;
}

/**
 * Three instances of the service, as separate processes, on one embedded database, writing the
 * same few customers at once. FerretDB applies each write as an unlocked read and a replace, so
 * without the storage guard two instances that read one version both write the next one.
 */
describe('three instances writing the same customers', () => {
  let database: EmbeddedDatabase;
  let mongo: MongoClient;
  let apps: ChildApp[] = [];
  let token: string;

  const startApps = async (count: number, shared?: Record<string, string>) => {
    const mongodbUri = `${database.uri.replace(/\/$/, '')}/writers`;
    const started: ChildApp[] = [];
    for (let i = 0; i < count; i++) {
      const env = { FERRETDB_POSTGRES_URL: POSTGRES_URL, ...(shared ?? (started[0] && secretsOf(started[0]))) };
      started.push(await startApp({ mongodbUri, logName: `writers-${RUN_ID}-${apps.length + i}`, env }));
    }
    return started;
  };
  const secretsOf = (app: ChildApp) => ({ JWT_SECRET: app.env.JWT_SECRET, ADMIN_PASSWORD: app.env.ADMIN_PASSWORD });

  beforeAll(async () => {
    database = await startEmbeddedFerretDb({ backend: 'postgresql', postgresUrl: POSTGRES_URL });
    apps = await startApps(3);
    token = await adminToken(apps[0]);
    mongo = new MongoClient(`${database.uri.replace(/\/$/, '')}/writers`);
    await mongo.connect();
  });

  beforeEach(async () => {
    await mongo.db().collection('customers').deleteMany({});
    await mongo.db().collection('audit_events').deleteMany({});
    for (const phone of PHONES) {
      const res = await send(apps[0].baseUrl, 'POST', '/api/v1/customer/', {
        headers: bearer(token),
        body: { phone_number: phone, first_name: 'Load', last_name: `Customer ${phone}` },
      });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    for (const app of apps) app.kill('SIGKILL');
    await mongo?.close();
    await database?.stop();
    const admin = new Client({ connectionString: POSTGRES_URL.replace(`/${PG_DATABASE}`, '/postgres') });
    await admin
      .connect()
      .then(() => admin.query(`DROP DATABASE IF EXISTS "${PG_DATABASE}" WITH (FORCE)`))
      .catch(() => undefined)
      .finally(() => admin.end());
  });

  const outboxesEmpty = () =>
    waitFor(async () => (await mongo.db().collection('customers').countDocuments({ audit_pending: true })) === 0, 60_000, 250);

  it('loses no acknowledged write: exact counters, every write in the history once, versions gap-free and in order', async () => {
    const writes = workload(apps.length);
    await Promise.all(writes.map(async (w) => (w.result = await sendWrite(w, apps[w.app], token))));
    expect(await outboxesEmpty()).toBe(true);
    const acknowledged = writes.filter((w) => (w.result?.status ?? 0) < 300).length;
    expect(acknowledged).toBeGreaterThan(OPERATIONS / 3);
    expect(await verify(writes, apps, token, mongo.db())).toEqual([]);
  });

  it('keeps every acknowledged write when an instance is killed with SIGKILL in the middle', async () => {
    const writes = workload(apps.length);
    const victim = apps[2];
    const running = Promise.all(writes.map(async (w) => (w.result = await sendWrite(w, apps[w.app], token))));
    await sleep(300);
    victim.kill('SIGKILL');
    await running;
    await victim.exited;
    // A survivor's periodic sweep relays what the killed instance left in the outboxes.
    expect(await outboxesEmpty()).toBe(true);
    const cut = writes.filter((w) => w.app === 2 && (w.result?.status ?? 0) === 0).length;
    expect(cut).toBeGreaterThan(0);
    expect(await verify(writes, apps, token, mongo.db())).toEqual([]);
  });
});
