/**
 * The queries behind each scenario, issued straight through the MongoDB driver:
 * - the floor: the same query shapes CustomerReadsRepository sends (mirrored here: the repository
 *   keeps them private), with the app's own customerSearchFilter;
 * - the naive alternative: the original system's "regex fallback", a case-insensitive,
 *   unanchored $regex over first_name, last_name and phone_number.
 */
import { Collection, Document, Filter, Sort } from 'mongodb';
import { customerSearchFilter } from '../src/customers/persistence/customer-filters';
import { DatabaseEngine } from '../src/database/database-engine';

/** The filter shapes the app sends to the benched engine. */
const engine = new DatabaseEngine(process.env.MONGODB_URI ? 'mongodb' : 'ferretdb');

/** customer-documents.ts INTERNAL_FIELDS: reads leave the storage internals out. */
export const RESPONSE_PROJECTION = {
  search_keys: 0,
  first_name_sort: 0,
  last_name_sort: 0,
  pending_audit: 0,
  audit_pending: 0,
  idempotency_keys: 0,
} as const;

/** The list without `status`: archived customers left out (a single $ne, as the repository sends it). */
export const LISTED: Filter<Document> = { status: { $ne: 'archived' } };
/** The default sort, created_at desc with _id as the tie-breaker. */
export const DEFAULT_SORT: Sort = { created_at: -1, _id: -1 };
export const PER_PAGE = 10;
/** A bound on every bench query, so that one pathological scan cannot hold a run hostage. */
export const QUERY_TIMEOUT_MS = Number(process.env.BENCH_QUERY_TIMEOUT_MS ?? 30_000);

export const byPhone = (phone: string): Filter<Document> => ({ phone_number: phone });
export const appSearch = (search: string): Filter<Document> => ({
  ...LISTED,
  ...(customerSearchFilter(search, engine) as Filter<Document>),
});

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The regex fallback: every word must appear somewhere in a name or the phone (words ANDed, which is
 * kinder than the original's whole-string match: "jo smi" would find nobody that way).
 */
export function naiveSearch(search: string): Filter<Document> {
  const words = search.trim().split(/\s+/).filter(Boolean);
  const wordFilter = (word: string) => {
    const regex = { $regex: escapeRegex(word), $options: 'i' };
    return { $or: [{ first_name: regex }, { last_name: regex }, { phone_number: regex }] };
  };
  return words.length === 1
    ? { ...LISTED, ...wordFilter(words[0]) }
    : { ...LISTED, $and: words.map(wordFilter) };
}

/** One page as GET /customer answers it: the page of documents and the total, in parallel. */
export async function page(customers: Collection, filter: Filter<Document>): Promise<number> {
  const [items, total] = await Promise.all([
    customers
      .find(filter, { projection: RESPONSE_PROJECTION, maxTimeMS: QUERY_TIMEOUT_MS })
      .sort(DEFAULT_SORT)
      .skip(0)
      .limit(PER_PAGE)
      .toArray(),
    customers.countDocuments(filter, { maxTimeMS: QUERY_TIMEOUT_MS }),
  ]);
  return items.length + total;
}

export async function findByPhone(customers: Collection, phone: string): Promise<Document | null> {
  return customers.findOne(byPhone(phone), {
    projection: RESPONSE_PROJECTION,
    maxTimeMS: QUERY_TIMEOUT_MS,
  });
}

// --- explain ---

export interface PlanSummary {
  query: string;
  /** Stages of the winning plan, outermost first: "LIMIT > FETCH > IXSCAN(search_keys_1)". */
  plan: string;
  keysExamined?: number;
  docsExamined?: number;
  returned?: number;
  usesIndex: boolean;
  collectionScan: boolean;
}

/** MongoDB's winning plans for the find and the count of a query. */
export async function explainQuery(
  customers: Collection,
  name: string,
  filter: Filter<Document>,
  single = false,
): Promise<PlanSummary[]> {
  const cursor = customers.find(filter, { projection: RESPONSE_PROJECTION });
  const find = await (single ? cursor.limit(1) : cursor.sort(DEFAULT_SORT).limit(PER_PAGE)).explain(
    'executionStats',
  );
  const summaries = [summarize(`${name}: find`, find)];
  if (!single) {
    const count = await customers
      .aggregate([{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }])
      .explain('executionStats');
    summaries.push(summarize(`${name}: count`, count));
  }
  return summaries;
}

function summarize(query: string, explain: Document): PlanSummary {
  const winning = findKey(explain, 'winningPlan');
  const stats = findKey(explain, 'executionStats') as Document | undefined;
  const stages: string[] = [];
  walkStages(winning, stages);
  return {
    query,
    plan: stages.join(' > ') || '(no winning plan)',
    keysExamined: stats?.totalKeysExamined,
    docsExamined: stats?.totalDocsExamined,
    returned: stats?.nReturned,
    usesIndex: stages.some(
      (stage) =>
        stage.startsWith('IXSCAN') ||
        stage.startsWith('COUNT_SCAN') ||
        stage.startsWith('DISTINCT_SCAN'),
    ),
    collectionScan: stages.some((stage) => stage.startsWith('COLLSCAN')),
  };
}

function walkStages(node: unknown, out: string[]): void {
  if (!node || typeof node !== 'object') return;
  const plan = node as Document;
  if (plan.queryPlan) return walkStages(plan.queryPlan, out);
  if (typeof plan.stage === 'string')
    out.push(plan.indexName ? `${plan.stage}(${plan.indexName})` : plan.stage);
  if (plan.inputStage) walkStages(plan.inputStage, out);
  for (const input of (plan.inputStages as unknown[]) ?? []) walkStages(input, out);
}

/** "Gather > Parallel Seq Scan (filter: …)": the node types down the first branch, the filter where it is. */
function postgresPlan(node: Document): string {
  const steps: string[] = [];
  for (
    let current: Document | undefined = node;
    current;
    current = (current.Plans as Document[] | undefined)?.[0]
  ) {
    const filter = (current.Filter ?? current['Index Cond'] ?? current['Recheck Cond']) as
      string | undefined;
    steps.push(
      `${current['Node Type']}${current['Index Name'] ? ` on ${current['Index Name']}` : ''}${filter ? ` (${filter.replace(/\bcustomers_[0-9a-f]+\./g, '')})` : ''}`,
    );
  }
  return steps.join(' > ');
}

function findKey(node: unknown, key: string): unknown {
  if (!node || typeof node !== 'object') return undefined;
  if (key in (node as Document)) return (node as Document)[key];
  for (const value of Object.values(node as Document)) {
    const found = findKey(value, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** FerretDB's own explain: what it pushes down to its backend, and the backend's plan. */
export async function ferretPushdown(
  customers: Collection,
  filter: Filter<Document>,
): Promise<{ filterPushdown: boolean; backendPlan: string }> {
  const explain = await customers
    .find(filter, { maxTimeMS: QUERY_TIMEOUT_MS })
    .sort(DEFAULT_SORT)
    .limit(PER_PAGE)
    .explain();
  const plan = findKey(explain.queryPlanner, 'Plan');
  // PostgreSQL: an EXPLAIN (FORMAT JSON) node; SQLite: EXPLAIN QUERY PLAN lines ("SCAN customers_…").
  const backendPlan = Array.isArray(plan)
    ? plan.map((line) => String(line).replace(/^.*detail=/, '')).join('; ')
    : plan && typeof plan === 'object'
      ? postgresPlan(plan as Document)
      : '';
  return { filterPushdown: Boolean(explain.filterPushdown), backendPlan };
}
