/**
 * What the bench measures. Each scenario is one thing a clerk does, through HTTP, and where it
 * makes sense the same lookup through the driver (the floor) and the regex fallback (naive).
 * Inputs rotate through values drawn from the seeded data, the same list on every side.
 */
import { Db } from 'mongodb';
import { FIRST_NAMES, LAST_NAMES } from './names';
import { Prng } from './prng';
import { appSearch, findByPhone, LISTED, naiveSearch, page, QUERY_TIMEOUT_MS } from './queries';
import { SeedSample } from './seed';
import { HttpRequest } from './load';
import type { AuditRepository } from '../src/audit/audit.repository';
import type { CustomerListCriteria } from '../src/customers/domain/customer';
import type { CustomerReadsRepository } from '../src/customers/persistence/customer-reads.repository';

/**
 * The app's own read queries without the app (no HTTP, no auth, no Nest): the repositories'
 * list, stats and audit pages through the read port's adapter on the bench database, i.e. the
 * same SQL issued straight to PostgreSQL on the embedded database. The floor of those scenarios.
 */
export interface FloorReads {
  customers: CustomerReadsRepository;
  audit: AuditRepository;
}

export type Side = 'http' | 'floor' | 'floor+auth' | 'naive';

export interface Scenario {
  key: string;
  title: string;
  /** Writes run last, after the reads, and the audit relay is let drain after each. */
  writes: boolean;
  http(i: number): HttpRequest;
  /** Driver-side equivalents, by side. */
  driver: Partial<Record<Exclude<Side, 'http'>, (db: Db, i: number) => Promise<unknown>>>;
}

const API = '/api/v1/customer';
const nth = <T>(items: T[], i: number) => items[i % items.length];
const searchPath = (search: string) => `${API}?search=${encodeURIComponent(search)}`;

/** Phones for created customers: the 9xx area codes, which the seeder leaves free. */
let createdCount = 0;
/** Each status change takes the next customer (the probe included), so that none is suspended twice. */
let suspendedCount = 0;
const namePrng = new Prng(42);

const listCriteria = (criteria: Partial<CustomerListCriteria>): CustomerListCriteria => ({
  sortBy: 'created_at',
  sortOrder: 'desc',
  skip: 0,
  limit: 10,
  ...criteria,
});
const DAY_MS = 24 * 60 * 60 * 1000;

export function scenarios(
  sample: SeedSample,
  adminUsername: string,
  floorReads?: FloorReads,
): Scenario[] {
  const customers = (db: Db) => db.collection('customers');
  const list = (criteria: Partial<CustomerListCriteria>) => () =>
    floorReads!.customers.list(listCriteria(criteria));
  const search = (key: string, title: string, queries: string[]): Scenario => ({
    key,
    title,
    writes: false,
    http: (i) => ({ method: 'GET', path: searchPath(nth(queries, i)) }),
    driver: {
      floor: floorReads
        ? (_db, i) => list({ search: nth(queries, i) })()
        : (db, i) => page(customers(db), appSearch(nth(queries, i))),
      naive: (db, i) => page(customers(db), naiveSearch(nth(queries, i))),
    },
  });
  const read = (
    key: string,
    title: string,
    path: (i: number) => string,
    floor?: (i: number) => Promise<unknown>,
  ): Scenario => ({
    key,
    title,
    writes: false,
    http: (i) => ({ method: 'GET', path: path(i) }),
    driver: floor ? { floor: (_db, i) => floor(i) } : {},
  });
  const mixedReads = [
    ...Array.from({ length: 10 }, () => (i: number) => `${API}/${nth(sample.phones, i)}`),
    (i: number) => searchPath(nth(sample.namePrefixes, i)),
    (i: number) => searchPath(nth(sample.namePrefixes, i + 7)),
    (i: number) => searchPath(nth(sample.lastFour, i)),
    (i: number) => searchPath(nth(sample.twoWords, i)),
    () => API,
    (i: number) => `${API}/${nth(sample.historyCustomers, i).phone}/history`,
  ];

  return [
    {
      key: 'get',
      title: 'get by phone',
      writes: false,
      http: (i) => ({ method: 'GET', path: `${API}/${nth(sample.phones, i)}` }),
      driver: {
        // On the embedded PostgreSQL the app looks the phone up in SQL (the read port): so does the floor.
        floor: floorReads
          ? (_db, i) => floorReads.customers.findByPhone(nth(sample.phones, i))
          : (db, i) => findByPhone(customers(db), nth(sample.phones, i)),
        // What the app does per request besides the lookup: JwtStrategy re-reads the user.
        'floor+auth': async (db, i) => {
          await db
            .collection('users')
            .findOne({ username: adminUsername }, { maxTimeMS: QUERY_TIMEOUT_MS });
          return findByPhone(customers(db), nth(sample.phones, i));
        },
      },
    },
    {
      key: 'list',
      title: 'list page 1',
      writes: false,
      http: () => ({ method: 'GET', path: API }),
      driver: { floor: floorReads ? list({}) : (db) => page(customers(db), LISTED) },
    },
    read('list_p100', 'list page 100', () => `${API}?page=100`, floorReads && list({ skip: 990 })),
    read(
      'list_last_name',
      'list sort_by=last_name',
      () => `${API}?sort_by=last_name`,
      floorReads && list({ sortBy: 'last_name' }),
    ),
    read(
      'stats',
      'stats',
      () => `${API}/stats`,
      floorReads && (() => floorReads.customers.stats(new Date(Date.now() - 30 * DAY_MS))),
    ),
    read(
      'history',
      'history page 1',
      (i) => `${API}/${nth(sample.historyCustomers, i).phone}/history`,
      floorReads &&
        ((i) => floorReads.audit.find({ customerId: nth(sample.historyCustomers, i).id }, 0, 10)),
    ),
    read(
      'audit',
      '/audit page 1',
      () => '/api/v1/audit',
      floorReads && (() => floorReads.audit.find({}, 0, 10)),
    ),
    search('search_prefix', 'search name prefix', sample.namePrefixes),
    search('search_last4', 'search last 4 digits', sample.lastFour),
    search('search_two_words', 'search two words', sample.twoWords),
    {
      key: 'create',
      title: 'create',
      writes: true,
      http: () => ({
        method: 'POST',
        path: API,
        body: JSON.stringify({
          phone_number: `9${String(++createdCount).padStart(9, '0')}`,
          first_name: namePrng.pick(FIRST_NAMES),
          last_name: namePrng.pick(LAST_NAMES),
          email: `bench${createdCount}@example.com`,
        }),
      }),
      driver: {},
    },
    {
      key: 'transaction',
      title: 'transaction (purchase)',
      writes: true,
      http: (i) => ({
        method: 'POST',
        path: `${API}/${nth(sample.activePhones, i)}/transactions`,
        body: '{"type":"purchase"}',
      }),
      driver: {},
    },
    {
      key: 'status',
      title: 'status change (suspend)',
      writes: true,
      // Each request suspends another active customer: every one is allowed.
      http: () => ({
        method: 'POST',
        path: `${API}/${nth(sample.statusPhones, suspendedCount++)}/suspend?reason=bench%20run`,
      }),
      driver: {},
    },
    {
      key: 'mixed',
      title: 'mixed clerk workload',
      writes: true,
      // Per 20 requests: 10 gets, 4 searches, a list, a history, 2 creates, 2 transactions.
      http: (i) => {
        const slot = i % 20;
        if (slot < mixedReads.length) return { method: 'GET', path: mixedReads[slot](i) };
        if (slot < 18)
          return {
            method: 'POST',
            path: API,
            body: JSON.stringify({
              phone_number: `9${String(++createdCount).padStart(9, '0')}`,
              first_name: namePrng.pick(FIRST_NAMES),
              last_name: namePrng.pick(LAST_NAMES),
            }),
          };
        return {
          method: 'POST',
          path: `${API}/${nth(sample.activePhones, i)}/transactions`,
          body: '{"type":"purchase"}',
        };
      },
      driver: {},
    },
  ];
}
