import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { Connection, Model, Types } from 'mongoose';
import { AuditEvent } from '../../src/audit/audit-event.schema';
import { AuditCriteria, AuditRepository } from '../../src/audit/audit.repository';
import { AUDIT_ACTIONS } from '../../src/customers/domain/audit-entry';
import { CUSTOMER_STATUSES, CustomerStatus } from '../../src/customers/domain/customer-rules';
import { Customer } from '../../src/customers/persistence/customer.schema';
import {
  CUSTOMER_SORT_FIELDS,
  CustomerListCriteria,
  CustomerRecord,
} from '../../src/customers/domain/customer';
import { SEARCH_KEYS_VERSION, searchKeysFor, sortKey } from '../../src/customers/domain/search-keys';
import { CustomerReadsRepository } from '../../src/customers/persistence/customer-reads.repository';
import { DatabaseEngine } from '../../src/database/database-engine';
import { READ_CONNECTION } from '../../src/database/database.constants';
import { DocumentReader } from '../../src/database/document-reader';
import { FerretDbPostgresReader } from '../../src/database/ferretdb-postgres-reader';
import { MongoDocumentReader } from '../../src/database/mongo-document-reader';
import { startTestApp, TestApp } from '../support/test-app';

const postgresUrl = process.env.TEST_FERRETDB_POSTGRES_URL;
const onFerretDbPostgres = postgresUrl ? describe : describe.skip;

const CUSTOMERS = 1200;
const EVENTS = 1200;

/** mulberry32: the same data set on every run. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
  };
}

// Few names, so that many customers share one (ties broken by _id); accents, case, apostrophes.
const FIRST = [
  'José',
  'Jose',
  'JOSE',
  'josé',
  'Zoë',
  'Zoe',
  'Ana',
  'Ánа',
  'Łukasz',
  'Mary-Jane',
  'Jo',
  'John',
  'Émile',
  'Ægir',
  'ßarah',
  '.',
];
const LAST = [
  "O'Brien",
  'O’Brien',
  'OBrien',
  'Smith',
  'smith',
  'SMITH',
  'Müller',
  'Mueller',
  'Nguyễn',
  'Ávila',
  'Avila',
  'De la Cruz',
  "D'Angelo",
  'Øster',
  'St. Clair',
  'Smithson',
];
const T0 = Date.UTC(2026, 0, 1);
/** Few distinct instants, so that equal timestamps are common. */
const instant = (r: ReturnType<typeof prng>) => new Date(T0 + r.int(0, 40) * 3_600_000);
const objectId = (prefix: string, i: number) =>
  new Types.ObjectId(prefix + i.toString(16).padStart(24 - prefix.length, '0'));

function customers(): Array<Record<string, unknown>> {
  const r = prng(11);
  return Array.from({ length: CUSTOMERS }, (_, i) => {
    const first_name = r.pick(FIRST);
    const last_name = r.pick(LAST);
    const phone_number = `${r.pick(['555', '212', '713'])}${String((i * 7919) % 10_000_000).padStart(7, '0')}`;
    const created_at = instant(r);
    const doc: Record<string, unknown> = {
      _id: objectId('6a', (i * 2654435761) % 4294967291),
      phone_number,
      first_name,
      last_name,
      status: r.pick(CUSTOMER_STATUSES),
      total_transactions: r.int(0, 6),
      active_loans: r.int(0, 2),
      version: r.int(1, 4),
      created_at,
      updated_at: new Date(created_at.getTime() + r.int(0, 3) * 3_600_000),
      search_keys: searchKeysFor({ first_name, last_name, phone_number }),
      first_name_sort: sortKey(first_name),
      last_name_sort: sortKey(last_name),
      search_keys_version: SEARCH_KEYS_VERSION,
      pending_audit: [],
      audit_pending: false,
      idempotency_keys: [],
    };
    if (i % 3 === 0) doc.email = `c${i}@example.com`;
    if (i % 5 === 0) doc.notes = `note ${i} — d'accord`;
    return doc;
  });
}

function events(customerDocs: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const r = prng(12);
  return Array.from({ length: EVENTS }, (_, i) => {
    const customer = customerDocs[r.int(0, 59)]; // 60 customers: long histories
    const action = r.pick(AUDIT_ACTIONS);
    const doc: Record<string, unknown> = {
      _id: objectId('6b', ((i * 40503) % 65521) + i * 65536),
      customer_id: customer._id,
      action,
      at: instant(r),
      actor: {
        username: r.pick(['ann', 'bob', 'chloé', "o'neil"]),
        role: r.pick(['staff', 'admin']),
      },
      phone_number: r.int(0, 4) === 0 ? '5550000000' : customer.phone_number,
      request_id: `req-${i}`,
    };
    if (action === 'customer.status_changed') {
      doc.from_status = 'active';
      doc.to_status = 'suspended';
      doc.reason = 'because';
    }
    if (action === 'customer.updated') doc.changes = { first_name: { from: 'A', to: 'B' } };
    if (action === 'customer.transaction_recorded') doc.transaction_type = 'purchase';
    return doc;
  });
}

const STATUS_FILTERS: Array<CustomerStatus[] | undefined> = [
  undefined,
  ...CUSTOMER_STATUSES.map((status) => [status]),
  ['active', 'banned'],
  [...CUSTOMER_STATUSES],
];
/** Search shapes: prefixes, accents, case, apostrophes, symbols, digits, words that match nothing. */
const SEARCHES = [
  undefined,
  'jo',
  'JOSÉ smi',
  'SMITH JOHN',
  "o'br",
  'o’brien',
  'st.',
  'de la',
  '5550',
  '(212) 00',
  'zo 713',
  "' -",
  '.*',
];
const PAGES = [
  { skip: 0, limit: 10 },
  { skip: 10, limit: 10 },
  { skip: 100, limit: 100 },
  { skip: 1190, limit: 20 },
];

/**
 * The reference side one query at a time: through FerretDB each query decodes every match in
 * memory, and several at once on a loaded machine can pass the read time limit.
 */
class SerialReader extends MongoDocumentReader {
  private last: Promise<unknown> = Promise.resolve();
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.last.then(work, work);
    this.last = next.catch(() => undefined);
    return next;
  }
  override find<T>(...args: Parameters<MongoDocumentReader['find']>) {
    return this.serial(() => super.find<T>(...args));
  }
  override count(...args: Parameters<MongoDocumentReader['count']>) {
    return this.serial(() => super.count(...args));
  }
  override summarize(...args: Parameters<MongoDocumentReader['summarize']>) {
    return this.serial(() => super.summarize(...args));
  }
}

onFerretDbPostgres('read port: both adapters answer the same on the same database', () => {
  let t: TestApp;
  let onMongo: { customers: CustomerReadsRepository; audit: AuditRepository };
  let onPostgres: { customers: CustomerReadsRepository; audit: AuditRepository };
  let postgresReader: FerretDbPostgresReader;
  let customerDocs: Array<Record<string, unknown>>;

  beforeAll(async () => {
    t = await startTestApp();
    const reads = t.app.get<Connection>(getConnectionToken(READ_CONNECTION));
    customerDocs = customers();
    const db = t.connection.db!;
    for (let i = 0; i < customerDocs.length; i += 1000)
      await db.collection('customers').insertMany(customerDocs.slice(i, i + 1000));
    const eventDocs = events(customerDocs);
    for (let i = 0; i < eventDocs.length; i += 1000)
      await db.collection('audit_events').insertMany(eventDocs.slice(i, i + 1000));
    postgresReader = FerretDbPostgresReader.connect(postgresUrl!, t.databaseName, 4);
    // A minute per query: the reference decodes in memory and the machine may be loaded.
    const mongoReader = new SerialReader(reads, 60_000);
    const models = {
      customers: t.app.get<Model<Customer>>(getModelToken(Customer.name)),
      customerReads: t.app.get<Model<Customer>>(getModelToken(Customer.name, READ_CONNECTION)),
      events: t.app.get<Model<AuditEvent>>(getModelToken(AuditEvent.name)),
      eventReads: t.app.get<Model<AuditEvent>>(getModelToken(AuditEvent.name, READ_CONNECTION)),
    };
    const repositories = (reader: DocumentReader) => ({
      customers: new CustomerReadsRepository(reader),
      audit: new AuditRepository(models.events, t.app.get(DatabaseEngine), reader),
    });
    onMongo = repositories(mongoReader);
    onPostgres = repositories(postgresReader);
  }, 120_000);

  afterAll(async () => {
    await postgresReader?.onModuleDestroy();
    await t?.close();
  });

  it('the app itself reads through the PostgreSQL adapter here', () => {
    expect(t.app.get(DocumentReader).engine).toBe('ferretdb-postgresql');
  });

  const ALL = 10_000;
  const asRows = ({ items, total }: { items: CustomerRecord[]; total: number }) => ({
    total,
    items: items.map((c) => [
      c.id,
      c.phone_number,
      c.first_name,
      c.last_name,
      c.email,
      c.notes,
      c.status,
      c.total_transactions,
      c.active_loans,
      c.version,
      c.created_at.toISOString(),
      c.updated_at.toISOString(),
    ]),
  });

  /**
   * Every match in order through the MongoDB adapter (one query: through FerretDB each query
   * decodes every match, ~0.5 ms a document), against the same query through the PostgreSQL
   * adapter, whole and page by page (skip/limit and total). Answers the differences.
   */
  async function compare<R extends { items: unknown[]; total: number }>(
    label: string,
    run: (side: typeof onMongo, skip: number, limit: number) => Promise<R>,
    differing: unknown[],
  ): Promise<number> {
    const expected = await run(onMongo, 0, ALL);
    for (const { skip, limit } of [{ skip: 0, limit: ALL }, ...PAGES]) {
      const actual = await run(onPostgres, skip, limit);
      const page = { total: expected.total, items: expected.items.slice(skip, skip + limit) };
      const answered = { total: actual.total, items: actual.items };
      if (JSON.stringify(answered) !== JSON.stringify(page))
        differing.push({ label, skip, limit, expected: page, actual: answered });
    }
    return expected.total;
  }

  it('lists: every sort_by × sort_order, every pair of status filter × search shape × sort, pages and totals', async () => {
    const cases: CustomerListCriteria[] = [];
    for (const sortBy of CUSTOMER_SORT_FIELDS)
      for (const sortOrder of ['asc', 'desc'] as const)
        cases.push({ sortBy, sortOrder, statuses: ['banned'], skip: 0, limit: ALL });
    // Each status filter with each search shape, the sort and order cycling through every choice.
    let i = 0;
    for (const statuses of STATUS_FILTERS)
      for (const search of SEARCHES) {
        const sortBy = CUSTOMER_SORT_FIELDS[i % CUSTOMER_SORT_FIELDS.length];
        const sortOrder = Math.floor(i / CUSTOMER_SORT_FIELDS.length) % 2 ? 'asc' : 'desc';
        cases.push({ statuses, search, sortBy, sortOrder, skip: 0, limit: ALL });
        i++;
      }
    const differing: unknown[] = [];
    let nonEmpty = 0;
    for (const criteria of cases) {
      const total = await compare(
        JSON.stringify(criteria),
        (side, skip, limit) => side.customers.list({ ...criteria, skip, limit }).then(asRows),
        differing,
      );
      if (total > 0) nonEmpty++;
    }
    expect({ count: differing.length, first: differing.slice(0, 1) }).toEqual({
      count: 0,
      first: [],
    });
    expect(nonEmpty).toBeGreaterThan(cases.length * 0.7);
    // The MongoDB adapter's own pages and count (skip/limit on the server, countDocuments).
    for (const criteria of [cases[0], cases[cases.length - 1]]) {
      const paged = { ...criteria, skip: 10, limit: 10 };
      const [expected, actual] = await Promise.all([
        onMongo.customers.list(paged).then(asRows),
        onPostgres.customers.list(paged).then(asRows),
      ]);
      expect(actual).toEqual(expected);
    }
  }, 150_000); // ~25 s on a quiet machine: the reference side decodes every match in FerretDB

  it('name searches in the default order (walked through the name postings): pages and totals', async () => {
    const differing: unknown[] = [];
    let nonEmpty = 0;
    for (const search of SEARCHES.filter((s) => s !== undefined))
      for (const statuses of [undefined, ['active', 'banned']] as Array<CustomerStatus[] | undefined>)
        for (const sortOrder of ['desc', 'asc'] as const) {
          const criteria = { statuses, search, sortBy: 'created_at' as const, sortOrder };
          const total = await compare(
            JSON.stringify(criteria),
            (side, skip, limit) => side.customers.list({ ...criteria, skip, limit }).then(asRows),
            differing,
          );
          if (total > 20) nonEmpty++;
        }
    expect({ count: differing.length, first: differing.slice(0, 1) }).toEqual({
      count: 0,
      first: [],
    });
    expect(nonEmpty).toBeGreaterThan(4);
  }, 150_000);

  it('stats', async () => {
    const since = new Date(T0 + 20 * 3_600_000);
    const [expected, actual] = await Promise.all([
      onMongo.customers.stats(since),
      onPostgres.customers.stats(since),
    ]);
    expect(actual).toEqual(expected);
    expect(expected.newCustomersSince).toBeGreaterThan(0);
  }, 90_000);

  it('history and audit filters', async () => {
    const holder = customerDocs[3];
    const criteria: AuditCriteria[] = [
      {},
      { customerId: String(customerDocs[0]._id) },
      { customerId: String(customerDocs[7]._id) },
      { customerId: String(customerDocs[500]._id) }, // no events
      ...AUDIT_ACTIONS.map((action) => ({ action })),
      { actor: 'chloé' },
      { actor: "o'neil", action: 'customer.updated' },
      { since: new Date(T0 + 10 * 3_600_000) },
      { until: new Date(T0 + 10 * 3_600_000) },
      { since: new Date(T0 + 5 * 3_600_000), until: new Date(T0 + 6 * 3_600_000), actor: 'bob' },
      { phone: { phoneNumber: '5550000000' } },
      { phone: { phoneNumber: holder.phone_number as string, holderId: String(holder._id) } },
      {
        phone: { phoneNumber: '5550000000', holderId: String(holder._id) },
        action: 'customer.created',
      },
    ];
    const differing: unknown[] = [];
    let nonEmpty = 0;
    for (const c of criteria) {
      const total = await compare(
        JSON.stringify(c),
        (side, skip, limit) => side.audit.find(c, skip, limit),
        differing,
      );
      if (total > 0) nonEmpty++;
    }
    expect({ count: differing.length, first: differing.slice(0, 1) }).toEqual({
      count: 0,
      first: [],
    });
    expect(nonEmpty).toBeGreaterThan(criteria.length * 0.7);
  }, 90_000);

  it('stats and totals by status stay equal after inserts, updates and deletes', async () => {
    const collection = t.connection.db!.collection('customers');
    const added = customers()
      .slice(0, 30)
      .map((doc, i) => ({
        ...doc,
        _id: objectId('6c', i),
        phone_number: `999${String(i).padStart(7, '0')}`,
        created_at: new Date(),
      }));
    await collection.insertMany(added);
    await collection.updateMany(
      { _id: { $in: added.slice(0, 10).map((d) => d._id as Types.ObjectId) } },
      { $set: { status: 'archived', active_loans: 0 }, $inc: { total_transactions: 3, revision: 1 } },
    );
    // Names changed: the name keys counted per status move with them.
    await collection.updateMany(
      { _id: { $in: added.slice(8, 14).map((d) => d._id as Types.ObjectId) } },
      { $set: { search_keys: ['n:q', 'n:qq', 'n:qqzxw', 'p:9999'] }, $inc: { revision: 1 } },
    );
    await collection.deleteMany({
      _id: { $in: added.slice(20).map((d) => d._id as Types.ObjectId) },
    });
    await collection.deleteOne({ _id: customerDocs[1]._id as Types.ObjectId });
    const since = new Date(Date.now() - 60_000);
    const [expected, actual] = await Promise.all([
      onMongo.customers.stats(since),
      onPostgres.customers.stats(since),
    ]);
    expect(actual).toEqual(expected);
    expect(expected.newCustomersSince).toBe(20);
    const nameTerm = ((added[0] as Record<string, unknown>).search_keys as string[]).find((key) => key.startsWith('n:'))!.slice(2);
    for (const search of [undefined, 'qqzxw', nameTerm])
      for (const statuses of [undefined, ['archived'], ['active', 'banned']] as Array<
        CustomerStatus[] | undefined
      >) {
        const page = {
          statuses,
          search,
          sortBy: 'created_at' as const,
          sortOrder: 'desc' as const,
          skip: 10,
          limit: 1,
        };
        const [a, b] = await Promise.all([
          onMongo.customers.list(page),
          onPostgres.customers.list(page),
        ]);
        expect({ statuses, search, total: b.total }).toEqual({ statuses, search, total: a.total });
      }
    // The name keys of the changed customers are counted under their new names.
    const renamed = await onPostgres.customers.list({
      search: 'qqzxw',
      sortBy: 'created_at',
      sortOrder: 'desc',
      skip: 10,
      limit: 1,
      statuses: ['archived'],
    });
    const renamedArchived = added
      .slice(8, 14)
      .filter((doc, i) => i + 8 < 10 || (doc as Record<string, unknown>).status === 'archived').length;
    expect(renamed.total).toBe(renamedArchived);
    // …and found under them, in order, by a page that walks the name's postings.
    const renamedPage = {
      statuses: [...CUSTOMER_STATUSES],
      search: 'qqzxw',
      sortBy: 'created_at' as const,
      sortOrder: 'desc' as const,
      skip: 0,
      limit: 2,
    };
    const [mongoPage, postgresPage] = await Promise.all([
      onMongo.customers.list(renamedPage).then(asRows),
      onPostgres.customers.list(renamedPage).then(asRows),
    ]);
    expect(postgresPage).toEqual(mongoPage);
    expect(mongoPage.items).toHaveLength(2);
    expect(renamedArchived).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('a write is visible to the next read', async () => {
    const target = customerDocs[42];
    await t.connection
      .db!.collection('customers')
      .updateOne(
        { _id: target._id as Types.ObjectId },
        { $set: { status: 'banned', total_transactions: 1000 }, $inc: { revision: 1 } },
      );
    const page = await onPostgres.customers.list({
      statuses: ['banned'],
      sortBy: 'total_transactions',
      sortOrder: 'desc',
      skip: 0,
      limit: 1,
    });
    expect(page.items[0].phone_number).toBe(target.phone_number);
  });
});
