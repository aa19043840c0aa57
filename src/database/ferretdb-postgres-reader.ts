import { ClientBase, Pool, PoolClient } from 'pg';
import {
  Condition,
  DocumentQuery,
  DocumentReader,
  FieldType,
  GroupTotals,
  Page,
  Summary,
  TypedField,
  Value,
} from './document-reader';
import { decodeDocument, decodeField, SjsonElement, SjsonSchema } from './ferretdb-sjson';
import { ident, jsonPath, literal, sortExpression } from './ferretdb-sql';
import { FerretDbSummary } from './ferretdb-summaries';

const METADATA_TABLE = '_ferretdb_database_metadata';
/** Reads give up a little before the HTTP request timeout, as on the MongoDB path. */
const STATEMENT_TIMEOUT_MS = 8000;
const UNDEFINED_TABLE = '42P01';
const ROW_ESTIMATE_TTL_MS = 60_000;

const ID: TypedField = { field: '_id', type: 'objectId' };

/**
 * How a page is read: walking the sort index and filtering, taking the matches first and sorting
 * them, or walking a summary's postings of one element.
 */
type Plan = 'walk' | 'matches first' | { postings: FerretDbSummary; element: string };

/**
 * The read port on FerretDB's PostgreSQL database (the embedded default): SQL on the tables
 * FerretDB writes, so a write is visible to the next read, served by the expression indexes of
 * postgres-indexes.ts, and decoded from FerretDB's stored format (ferretdb-sjson.ts) into what
 * the MongoDB driver would give.
 */
export class FerretDbPostgresReader extends DocumentReader {
  readonly engine = 'ferretdb-postgresql';
  private tables?: Map<string, string>;
  private readonly summaries = new Map<string, FerretDbSummary>();

  constructor(
    private readonly pool: Pool,
    /** The MongoDB database: FerretDB's PostgreSQL schema. */
    private readonly database: string,
  ) {
    super();
  }

  static connect(postgresUrl: string, database: string, max = 10): FerretDbPostgresReader {
    const pool = new Pool({
      connectionString: postgresUrl,
      max,
      connectionTimeoutMillis: 5000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    pool.on('error', () => undefined); // an idle client's error: the next query reports it
    return new FerretDbPostgresReader(pool, database);
  }

  private closed = false;

  /** Nest calls it at shutdown. */
  async onModuleDestroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /**
   * The total first (from a summary when one covers the conditions), then the page, planned by it
   * (PostgreSQL estimates `@>` on a GIN index poorly, and would walk a whole sort index for a term
   * that matches a handful of rows). Of the three plans, the one that visits the fewest rows:
   * walking the sort index ((skip + limit) × rows / matches), taking the matches first and sorting
   * them (a materialized CTE), or walking the postings of the rarest name in the page's order
   * ((skip + limit) × the name's documents / matches).
   */
  override async page<T>(query: DocumentQuery, summary?: Summary): Promise<Page<T>> {
    const total = await this.count(query.collection, query.where, summary);
    if (total <= query.skip || query.limit === 0) return { items: [], total };
    if (query.where.length === 0) return { items: await this.find<T>(query), total };
    // Rows each plan visits: a walk of the sort index, the matches, a walk of the postings.
    const page = query.skip + query.limit;
    const walked = (page * Math.max(await this.size(query.collection, summary), total)) / total;
    const postings = await this.postingsFor(query, summary);
    const postingWalk = postings ? (page * postings.matches) / total : Infinity;
    const plan: Plan =
      postings && postingWalk < Math.min(walked, total)
        ? { postings: postings.summary, element: postings.element }
        : total < walked
          ? 'matches first'
          : 'walk';
    return { items: await this.find<T>(query, plan), total };
  }

  /**
   * The summary's postings, when the page is in their order and asks for one of their elements:
   * the element with the fewest documents, and how many.
   */
  private async postingsFor(
    query: DocumentQuery,
    summary: Summary | undefined,
  ): Promise<{ summary: FerretDbSummary; element: string; matches: number } | undefined> {
    const order = summary?.elements?.orderedBy;
    if (!summary || summary.collection !== query.collection || !order) return undefined;
    if (
      query.sort.length !== 1 ||
      query.sort[0].field !== order.field ||
      query.sort[0].type !== order.type
    )
      return undefined;
    const { field, prefix } = summary.elements!;
    const elements = query.where.flatMap((c) =>
      c.op === 'containsAll' && c.field === field
        ? c.values.filter((v): v is string => typeof v === 'string' && v.startsWith(prefix))
        : [],
    );
    if (elements.length === 0) return undefined;
    const kept = await this.summary(summary);
    if (!kept) return undefined;
    const counts = await kept.elementTotals(this.pool, elements);
    let best: { element: string; matches: number } | undefined;
    for (const element of elements) {
      const matches = counts.get(element) ?? 0;
      if (!best || matches < best.matches) best = { element, matches };
    }
    return best && { summary: kept, ...best };
  }

  /** The collection's size: exact from its summary, else PostgreSQL's estimate. */
  private async size(collection: string, summary: Summary | undefined): Promise<number> {
    return summary?.collection === collection
      ? this.count(collection, [], summary)
      : this.rowEstimate(collection);
  }

  private readonly estimates = new Map<string, { rows: number; at: number }>();

  /** The table's row count as PostgreSQL last estimated it (refreshed every minute). */
  private async rowEstimate(collection: string): Promise<number> {
    const known = this.estimates.get(collection);
    if (known && Date.now() - known.at < ROW_ESTIMATE_TTL_MS) return known.rows;
    const table = await this.table(collection, false);
    let rows = 0;
    if (table) {
      const result = await this.pool.query<{ n: string }>(
        'SELECT greatest(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = to_regclass($1)',
        [`${ident(this.database)}.${ident(table)}`],
      );
      rows = Number(result.rows[0]?.n ?? 0);
    }
    this.estimates.set(collection, { rows, at: Date.now() });
    return rows;
  }

  async find<T>(query: DocumentQuery, plan: Plan = 'walk'): Promise<T[]> {
    const params: unknown[] = [];
    const direction = query.order === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
    const orderBy = [...query.sort, ID]
      .map((key) => `${sortExpression(key)} ${direction}`)
      .join(', ');
    const selected = query.select === 'all' ? undefined : Object.entries(query.select);
    const columns = selected
      ? [['_id', 'objectId'] as const, ...selected.filter(([field]) => field !== '_id')]
          .map(
            ([field], i) =>
              `_jsonb -> '$s' -> 'p' -> ${literal(field)} AS s${i}, _jsonb -> ${literal(field)} AS v${i}`,
          )
          .join(', ')
      : '_jsonb';
    const rows = await this.query<Record<string, unknown>>(
      query.collection,
      (table) => {
        params.length = 0;
        // Fields are taken out of the page's rows only: a projection in the scan itself would run
        // for every skipped row too.
        const filter = `WHERE ${where(query.where, params)}`;
        const window = `ORDER BY ${orderBy} OFFSET ${offsetOf(query.skip)} LIMIT ${offsetOf(query.limit)}`;
        if (plan === 'matches first')
          return `WITH matches AS MATERIALIZED (SELECT _jsonb FROM ${table} ${filter}) SELECT ${columns} FROM (SELECT _jsonb FROM matches ${window}) page`;
        if (plan === 'walk')
          return `SELECT ${columns} FROM (SELECT _jsonb FROM ${table} ${filter} ${window}) page`;
        // The element's postings in page order (an index-only walk), each joined to its document
        // by FerretDB's unique `_id` index and checked against every condition. The LATERAL
        // subquery with its LIMIT keeps it a nested loop in that order, which stops at the page's
        // end (left to itself, the planner hashes every posting of the element).
        const walk = `ORDER BY p.o ${direction}, p.id ${direction} OFFSET ${offsetOf(query.skip)} LIMIT ${offsetOf(query.limit)}`;
        const element = `$${params.push(plan.element)}`;
        return `SELECT ${columns} FROM (SELECT d._jsonb FROM ${plan.postings.qualifiedPostings} p CROSS JOIN LATERAL (SELECT _jsonb FROM ${table} WHERE _jsonb -> '_id' = to_jsonb(p.id) LIMIT 1) d ${filter} AND p.k = ${element} ${walk}) page`;
      },
      params,
    );
    if (!selected) {
      return rows.map((row) => {
        const doc = row._jsonb as Record<string, unknown> & { $s: SjsonSchema };
        return decodeDocument(doc.$s, doc) as T;
      });
    }
    const fields = [['_id', 'objectId'] as const, ...selected.filter(([f]) => f !== '_id')];
    return rows.map((row) => {
      const doc: Record<string, unknown> = {};
      fields.forEach(([field, type], i) => {
        const value = decodeField(field, type, row[`s${i}`] as SjsonElement | null, row[`v${i}`]);
        if (value !== undefined) doc[field] = value;
      });
      return doc as T;
    });
  }

  async count(collection: string, conditions: Condition[], summary?: Summary): Promise<number> {
    if (summary?.collection === collection) {
      const answered = await this.countFromSummary(summary, conditions);
      if (answered !== undefined) return answered;
    }
    const params: unknown[] = [];
    const rows = await this.query<{ n: string }>(
      collection,
      (table) => {
        params.length = 0;
        return `SELECT count(*) AS n FROM ${table} WHERE ${where(conditions, params)}`;
      },
      params,
    );
    return rows.length ? Number(rows[0].n) : 0;
  }

  async summarize(summary: Summary): Promise<Map<string, GroupTotals>> {
    const kept = await this.summary(summary);
    return kept ? kept.totals(this.pool) : new Map();
  }

  override async prepare(summary: Summary): Promise<void> {
    await this.summary(summary);
  }

  /** The summary, created and filled if need be (undefined: no such collection yet). */
  private async summary(summary: Summary): Promise<FerretDbSummary | undefined> {
    const table = await this.table(summary.collection, false);
    if (!table) return undefined;
    const key = JSON.stringify(summary);
    let kept = this.summaries.get(key);
    if (!kept) this.summaries.set(key, (kept = new FerretDbSummary(summary, this.database)));
    await kept.ensure(this.pool, table);
    return kept;
  }

  private async countFromSummary(
    summary: Summary,
    conditions: Condition[],
  ): Promise<number | undefined> {
    const kept = await this.summary(summary);
    if (!kept) return 0;
    const params: unknown[] = [];
    const sql = kept.countQuery(conditions, params);
    if (sql) {
      const { rows } = await this.pool.query<{ n: string }>(sql, params);
      return Number(rows[0].n);
    }
    const days = kept.dayRange(conditions);
    if (!days) return undefined;
    // The first day in part from the table (its btree index on the date), whole days after it.
    const field = (conditions[0] as { field: string }).field;
    const [partial, whole] = await Promise.all([
      this.count(summary.collection, [
        { field, type: 'date', op: 'range', gte: days.since, lt: days.nextDay },
      ]),
      this.pool.query<{ n: string }>(kept.daysFromQuery(days.nextDay)),
    ]);
    return partial + Number(whole.rows[0].n);
  }

  /**
   * Runs the statement on the collection's table; a collection FerretDB has not created yet has
   * no rows. FerretDB may drop and create tables (a dropped database): on a missing table the
   * names are read again once.
   */
  private async query<R extends object>(
    collection: string,
    sql: (table: string) => string,
    params: unknown[],
  ): Promise<R[]> {
    for (let attempt = 0; ; attempt++) {
      const table = await this.table(collection, attempt > 0);
      if (!table) return [];
      try {
        const result = await this.pool.query<R>(
          sql(`${ident(this.database)}.${ident(table)}`),
          params,
        );
        return result.rows;
      } catch (error) {
        if ((error as { code?: string }).code !== UNDEFINED_TABLE || attempt > 0) throw error;
      }
    }
  }

  private async table(collection: string, refresh: boolean): Promise<string | undefined> {
    if (refresh || !this.tables?.has(collection)) this.tables = await this.readTables();
    return this.tables.get(collection);
  }

  private async readTables(): Promise<Map<string, string>> {
    const client: PoolClient = await this.pool.connect();
    try {
      return await ferretDbTables(client, this.database);
    } finally {
      client.release();
    }
  }
}

/** FerretDB's table for each collection of `database`, from its metadata table (none yet: empty). */
export async function ferretDbTables(
  client: ClientBase | Pool,
  database: string,
): Promise<Map<string, string>> {
  const metadata = await client.query(
    'SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2',
    [database, METADATA_TABLE],
  );
  if (!metadata.rowCount) return new Map();
  const rows = await client.query<{ collection: string; table: string }>(
    `SELECT _jsonb ->> '_id' AS collection, _jsonb ->> 'table' AS table FROM ${ident(database)}.${ident(METADATA_TABLE)}`,
  );
  return new Map(rows.rows.map((row) => [row.collection, row.table]));
}

function offsetOf(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a count: ${n}`);
  return n;
}

/** A value as the comparable form of its type takes it. */
function param(type: FieldType, value: Value): unknown {
  if (type === 'date') return (value instanceof Date ? value : new Date(value as string)).getTime();
  if (type === 'boolean') return JSON.stringify(value);
  return value;
}

function cast(type: FieldType): string {
  if (type === 'number' || type === 'date') return '::numeric';
  if (type === 'boolean') return '::jsonb';
  return '::text';
}

/** The conditions as SQL, their values added to `params`. */
function where(conditions: Condition[], params: unknown[]): string {
  if (conditions.length === 0) return 'TRUE';
  return conditions.map((condition) => `(${one(condition, params)})`).join(' AND ');
}

function one(condition: Condition, params: unknown[]): string {
  if (condition.op === 'anyOf')
    return condition.branches.map((branch) => `(${where(branch, params)})`).join(' OR ');
  const { type } = condition;
  const expression = sortExpression(condition);
  const add = (value: unknown) => `$${params.push(value)}`;
  const scalar = (value: Value) => `${add(param(type, value))}${cast(type)}`;
  const list = (values: Value[]) =>
    `${add(values.map((value) => param(type, value)))}${cast(type)}[]`;
  switch (condition.op) {
    case 'eq':
      // `_id` by FerretDB's own unique index on `_jsonb -> '_id'` (an ObjectId is stored as hex).
      if (condition.field === '_id' && type === 'objectId')
        return `_jsonb -> '_id' = to_jsonb(${add(String(condition.value))}::text)`;
      return `${expression} = ${scalar(condition.value)}`;
    case 'ne':
      return `${expression} IS DISTINCT FROM ${scalar(condition.value)}`;
    case 'in':
      return `${expression} = ANY(${list(condition.values)})`;
    case 'nin':
      return `${expression} IS NULL OR ${expression} <> ALL(${list(condition.values)})`;
    case 'range': {
      const bounds: string[] = [];
      const ops = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
      for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
        const bound = condition[op];
        if (bound !== undefined) bounds.push(`${expression} ${ops[op]} ${scalar(bound)}`);
      }
      return bounds.length ? bounds.join(' AND ') : 'TRUE';
    }
    case 'containsAll':
      // Served by the GIN index on the field (postgres-indexes.ts).
      return `${jsonPath(condition.field)} @> ${add(JSON.stringify(condition.values.map((v) => param(type, v))))}::jsonb`;
  }
}
