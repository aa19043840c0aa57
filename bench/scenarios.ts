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
const namePrng = new Prng(42);

export function scenarios(sample: SeedSample, adminUsername: string): Scenario[] {
  const customers = (db: Db) => db.collection('customers');
  const search = (key: string, title: string, queries: string[]): Scenario => ({
    key,
    title,
    writes: false,
    http: (i) => ({ method: 'GET', path: searchPath(nth(queries, i)) }),
    driver: {
      floor: (db, i) => page(customers(db), appSearch(nth(queries, i))),
      naive: (db, i) => page(customers(db), naiveSearch(nth(queries, i))),
    },
  });

  return [
    {
      key: 'get',
      title: 'get by phone',
      writes: false,
      http: (i) => ({ method: 'GET', path: `${API}/${nth(sample.phones, i)}` }),
      driver: {
        floor: (db, i) => findByPhone(customers(db), nth(sample.phones, i)),
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
      driver: { floor: (db) => page(customers(db), LISTED) },
    },
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
  ];
}
