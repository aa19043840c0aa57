/**
 * Seeds N customers exactly as the app stores them: the documents are built with the app's own
 * schema (src/customers/customer.schema.ts, and validated by it) and the app's own
 * search-key functions, and the indexes are the app's (Model.createIndexes), then bulk-inserted
 * in batches. Deterministic: the same seed gives the same customers.
 *
 * Standalone: MONGODB_URI=mongodb://127.0.0.1:27017/pawnshop_bench BENCH_N=10000 npx ts-node --transpile-only bench/seed.ts
 */
import { BSON } from 'mongodb';
import mongoose, { Connection, Model } from 'mongoose';
import { Customer, CustomerSchema } from '../src/customers/persistence/customer.schema';
import { CustomerStatus } from '../src/customers/domain/customer-rules';
import { searchKeysFor, sortKey } from '../src/customers/domain/search-keys';
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, NOTES } from './names';
import { Prng, WeightedPicker } from './prng';
import { ProgressBar } from './progress';

export const DEFAULT_SEED = 20261129;
const BATCH_SIZE = 1000;
const SAMPLE_SIZE = 256;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Status mix of a shop's customer list: mostly active, a few of each other status. */
const STATUS_WEIGHTS: Array<[CustomerStatus, number]> = [
  ['active', 0.9],
  ['suspended', 0.03],
  ['banned', 0.02],
  ['deactivated', 0.02],
  ['archived', 0.03],
];

interface SeededCustomer {
  phone: string;
  first: string;
  last: string;
  status: CustomerStatus;
}

/** The inputs the scenarios draw from, all taken from the seeded data. */
export interface SeedSample {
  /** Any status (get by phone answers archived customers too). */
  phones: string[];
  /** Active customers only, so that every transaction is allowed. */
  activePhones: string[];
  /** The first three letters of a last name, as a clerk types them: "smi", "o'b", "ngu". */
  namePrefixes: string[];
  /** The last 4 digits of a phone. */
  lastFour: string[];
  /** Two words: first-name start and last-name start, "jo smi". */
  twoWords: string[];
}

export interface SeedResult {
  count: number;
  seconds: number;
  avgDocumentBytes: number;
  avgSearchKeys: number;
  sample: SeedSample;
}

export async function seedCustomers(
  uri: string,
  count: number,
  seed = DEFAULT_SEED,
): Promise<SeedResult> {
  const connection = await mongoose
    .createConnection(uri, { autoIndex: false, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  try {
    const model = connection.model<Customer>(Customer.name, CustomerSchema);
    return await seedWith(connection, model, count, seed);
  } finally {
    await connection.close();
  }
}

async function seedWith(
  connection: Connection,
  model: Model<Customer>,
  count: number,
  seed: number,
): Promise<SeedResult> {
  const started = Date.now();
  await connection.dropDatabase();
  await model.createIndexes();

  const prng = new Prng(seed);
  const firstNames = new WeightedPicker(FIRST_NAMES);
  const lastNames = new WeightedPicker(LAST_NAMES);
  const usedPhones = new Set<string>();
  const customers: SeededCustomer[] = [];
  const progress = new ProgressBar(`seeding ${count} customers`, count);
  const now = Date.now();
  let bytes = 0;
  let keys = 0;

  for (let start = 0; start < count; start += BATCH_SIZE) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + BATCH_SIZE); i++) {
      const customer = newCustomer(prng, firstNames, lastNames, usedPhones);
      customers.push(customer);
      docs.push(new model(documentFor(customer, prng, now)));
    }
    await Promise.all(docs.map((doc) => doc.validate()));
    const batch = docs.map((doc) => doc.toObject());
    for (const plain of batch) {
      bytes += BSON.calculateObjectSize(plain);
      keys += plain.search_keys.length;
    }
    await model.collection.insertMany(batch, { ordered: false });
    progress.update(Math.min(count, start + BATCH_SIZE));
  }

  return {
    count,
    seconds: (Date.now() - started) / 1000,
    avgDocumentBytes: Math.round(bytes / Math.max(1, count)),
    avgSearchKeys: Math.round(keys / Math.max(1, count)),
    sample: sampleOf(customers, new Prng(seed ^ 0x5eed)),
  };
}

function newCustomer(
  prng: Prng,
  firstNames: WeightedPicker<string>,
  lastNames: WeightedPicker<string>,
  usedPhones: Set<string>,
): SeededCustomer {
  let phone: string;
  do {
    // Area codes 200-899: the 9xx range is left free for the create scenario.
    phone = `${prng.int(200, 899)}${prng.int(200, 999)}${String(prng.int(0, 9999)).padStart(4, '0')}`;
  } while (usedPhones.has(phone));
  usedPhones.add(phone);
  return {
    phone,
    first: firstNames.pick(prng),
    last: lastNames.pick(prng),
    status: pickStatus(prng),
  };
}

function pickStatus(prng: Prng): CustomerStatus {
  let roll = prng.next();
  for (const [status, weight] of STATUS_WEIGHTS) {
    if ((roll -= weight) < 0) return status;
  }
  return 'active';
}

/** The stored document, field for field what CustomersRepository.insert and later writes produce. */
function documentFor(customer: SeededCustomer, prng: Prng, now: number): Record<string, unknown> {
  const profile = {
    phone_number: customer.phone,
    first_name: customer.first,
    last_name: customer.last,
  };
  const createdAt = new Date(now - prng.int(1, 3 * 365) * DAY_MS - prng.int(0, DAY_MS));
  const updatedAt = new Date(Math.min(now, createdAt.getTime() + prng.int(0, 200) * DAY_MS));
  const canHoldLoans =
    customer.status === 'active' || customer.status === 'suspended' || customer.status === 'banned';
  const activeLoans = canHoldLoans && prng.chance(0.3) ? prng.int(1, 3) : 0;
  const totalTransactions = activeLoans + prng.int(0, 40);
  const document: Record<string, unknown> = {
    ...profile,
    status: customer.status,
    total_transactions: totalTransactions,
    active_loans: activeLoans,
    version: 1 + totalTransactions + (customer.status === 'active' ? 0 : 1),
    created_at: createdAt,
    updated_at: updatedAt,
    search_keys: searchKeysFor(profile),
    first_name_sort: sortKey(customer.first),
    last_name_sort: sortKey(customer.last),
    // As after the audit relay has run: the outbox is empty.
    pending_audit: [],
    audit_pending: false,
    idempotency_keys: [],
  };
  if (prng.chance(0.6)) document.email = emailFor(customer, prng);
  if (prng.chance(0.2)) document.notes = prng.pick(NOTES);
  return document;
}

function emailFor(customer: SeededCustomer, prng: Prng): string {
  const ascii = (text: string) => sortKey(text).replace(/[^a-z0-9]/g, '');
  return `${ascii(customer.first)}.${ascii(customer.last)}${prng.int(1, 999)}@${prng.pick(EMAIL_DOMAINS)}`;
}

function sampleOf(customers: SeededCustomer[], prng: Prng): SeedSample {
  const draw = (pool: SeededCustomer[]) =>
    Array.from({ length: SAMPLE_SIZE }, () => prng.pick(pool));
  const listed = customers.filter((c) => c.status !== 'archived');
  const active = customers.filter((c) => c.status === 'active');
  const lower = (text: string) => text.toLowerCase();
  return {
    phones: draw(customers).map((c) => c.phone),
    activePhones: draw(active).map((c) => c.phone),
    namePrefixes: draw(listed).map((c) => lower(c.last).slice(0, 3)),
    lastFour: draw(listed).map((c) => c.phone.slice(-4)),
    twoWords: draw(listed).map((c) => `${lower(c.first).slice(0, 2)} ${lower(c.last).slice(0, 3)}`),
  };
}

if (require.main === module) {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    console.error('MONGODB_URI is required (the database in its path is dropped and re-seeded)');
    process.exit(1);
  }
  seedCustomers(uri, Number(process.env.BENCH_N ?? 10_000))
    .then((result) => console.log(JSON.stringify({ ...result, sample: undefined }, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
