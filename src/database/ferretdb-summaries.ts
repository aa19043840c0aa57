import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import type { Condition, GroupTotals, Summary, TypedField } from './document-reader';
import { ident, jsonPath, literal, sortExpression } from './ferretdb-sql';

export const DAY_MS = 86_400_000;

/**
 * A Summary kept in FerretDB's PostgreSQL database: one row per (group value, UTC day of the
 * `perDay` field) with the count, the sums and the positive counts, maintained by statement
 * triggers on FerretDB's table (transition tables: one upsert per statement, rows locked in key
 * order). Reading it grows with the number of groups and days, not with the documents.
 * Created, with its triggers, and filled from the table under a lock that holds writes back, the
 * first time it is used; rebuilt when FerretDB has made a new table for the collection.
 */
export class FerretDbSummary {
  readonly table: string;
  /** Counts per (element, group), when the summary counts elements. */
  private readonly elementTable: string;
  /** (element, order key, _id) of every document, when the elements are kept in order. */
  private readonly postingTable: string;
  private readonly fn: string;
  /** The prefix its tables and triggers share with older versions of the same summary. */
  private readonly base: string;

  constructor(
    readonly summary: Summary,
    private readonly schema: string,
  ) {
    const base = `pawnshop_sum_${summary.collection}_${summary.groupBy.field}`.replace(/\W/g, '_');
    const hash = createHash('sha1').update(JSON.stringify(summary)).digest('hex').slice(0, 8);
    this.base = base.slice(0, 40);
    this.table = `${this.base}_${hash}`;
    this.elementTable = `${this.table}_e`;
    this.postingTable = `${this.table}_p`;
    this.fn = `${this.table}_fn`;
  }

  private get qualified(): string {
    return `${ident(this.schema)}.${ident(this.table)}`;
  }

  private get qualifiedElements(): string {
    return `${ident(this.schema)}.${ident(this.elementTable)}`;
  }

  /** Rows of `source` as signed (k, g, n): one per counted element of each document. */
  private elementContributions(source: string, sign: 1 | -1): string {
    const { field, prefix } = this.summary.elements!;
    const array = jsonPath(field);
    return `SELECT e.k, ${this.groupExpression()} AS g, ${sign} AS n FROM ${source}, LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END) AS e(k) WHERE starts_with(e.k, ${literal(prefix)})`;
  }

  get qualifiedPostings(): string {
    return `${ident(this.schema)}.${ident(this.postingTable)}`;
  }

  /** The field the postings are ordered by (undefined: none kept). */
  get postingOrder(): TypedField | undefined {
    return this.summary.elements?.orderedBy;
  }

  /** Rows of `source` as (k, o, id): one per counted element of each document. */
  private postings(source: string): string {
    const { field, prefix, orderedBy } = this.summary.elements!;
    const array = jsonPath(field);
    return `SELECT DISTINCT e.k, ${sortExpression(orderedBy!)} AS o, ((_jsonb ->> '_id') COLLATE "C") AS id FROM ${source}, LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END) AS e(k) WHERE starts_with(e.k, ${literal(prefix)})`;
  }

  private postingInsert(rows: string): string {
    return `INSERT INTO ${this.qualifiedPostings} (k, o, id) ${rows} ON CONFLICT DO NOTHING`;
  }

  private postingDelete(rows: string): string {
    return `DELETE FROM ${this.qualifiedPostings} AS t USING (${rows}) AS d WHERE t.k = d.k AND t.o IS NOT DISTINCT FROM d.o AND t.id = d.id`;
  }

  /** Only the (element, group) pairs whose count changes: an update that keeps both writes nothing. */
  private elementUpsert(sources: string): string {
    return `INSERT INTO ${this.qualifiedElements} AS t (k, g, n)
      SELECT k, g, sum(n) FROM (${sources}) d GROUP BY k, g HAVING sum(n) <> 0 ORDER BY k, g
      ON CONFLICT (k, g) DO UPDATE SET n = t.n + excluded.n`;
  }

  private columns(): { name: string; expression: string }[] {
    const number = (field: string) =>
      `(CASE WHEN jsonb_typeof(${jsonPath(field)}) = 'number' THEN (${jsonPath(field)})::numeric ELSE 0 END)`;
    const { summary } = this;
    return [
      ...summary.sum.map((field, i) => ({ name: `s${i}`, expression: number(field) })),
      ...(summary.countPositive ?? []).map((field, i) => ({
        name: `p${i}`,
        expression: `(CASE WHEN ${number(field)} > 0 THEN 1 ELSE 0 END)`,
      })),
    ];
  }

  private groupExpression(): string {
    return this.summary.groupBy.type === 'string' || this.summary.groupBy.type === 'objectId'
      ? sortExpression(this.summary.groupBy)
      : `(${jsonPath(this.summary.groupBy.field)})::text`;
  }

  private dayExpression(): string {
    const field = this.summary.perDay;
    if (!field) return '0';
    return `(CASE WHEN jsonb_typeof(${jsonPath(field)}) = 'number' THEN floor((${jsonPath(field)})::numeric / ${DAY_MS})::bigint ELSE NULL END)`;
  }

  /** Rows of `source` as signed contributions (g, day, n, columns…). */
  private contributions(source: string, sign: 1 | -1): string {
    const cols = this.columns()
      .map(({ name, expression }) => `, ${sign} * ${expression} AS ${name}`)
      .join('');
    return `SELECT ${this.groupExpression()} AS g, ${this.dayExpression()} AS day, ${sign} AS n${cols} FROM ${source}`;
  }

  private upsert(sources: string): string {
    const names = ['n', ...this.columns().map((c) => c.name)];
    const sums = names.map((name) => `sum(${name})`).join(', ');
    const set = names.map((name) => `${name} = t.${name} + excluded.${name}`).join(', ');
    return `INSERT INTO ${this.qualified} AS t (g, day, ${names.join(', ')})
      SELECT g, day, ${sums} FROM (${sources}) d GROUP BY g, day ORDER BY g, day
      ON CONFLICT (g, day) DO UPDATE SET ${set}`;
  }

  /** Creates (or rebuilds) the summary for FerretDB's `table` if its triggers are not on it. */
  async ensure(pool: Pool, table: string): Promise<void> {
    const base = `${ident(this.schema)}.${ident(table)}`;
    const present = await pool.query(
      'SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2',
      [base, `${this.table}_ins`],
    );
    if (present.rowCount) return;
    this.building ??= this.build(pool, base).finally(() => (this.building = undefined));
    await this.building;
  }

  /** One build at a time in this process; other processes wait for the lock, then find it built. */
  private building?: Promise<void>;

  private async build(pool: Pool, base: string): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Filling it reads the whole table once (seconds at a million documents): no read time limit.
      await client.query('SET LOCAL statement_timeout = 0');
      await client.query(`LOCK TABLE ${base} IN SHARE ROW EXCLUSIVE MODE`);
      const again = await client.query(
        'SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2',
        [base, `${this.table}_ins`],
      );
      if (again.rowCount) {
        await client.query('COMMIT');
        return;
      }
      // fillfactor: room on each page, so a counter rewritten by every write is updated in place
      // (a HOT update, no new index entry).
      const columnDefs = this.columns()
        .map(({ name }) => `, ${name} numeric NOT NULL DEFAULT 0`)
        .join('');
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.qualified} (g text COLLATE "C", day bigint, n bigint NOT NULL DEFAULT 0${columnDefs}, UNIQUE NULLS NOT DISTINCT (g, day)) WITH (fillfactor = 50)`,
      );
      await client.query(`DELETE FROM ${this.qualified}`);
      if (this.summary.elements) {
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${this.qualifiedElements} (k text COLLATE "C" NOT NULL, g text COLLATE "C", n bigint NOT NULL DEFAULT 0, UNIQUE NULLS NOT DISTINCT (k, g)) WITH (fillfactor = 50)`,
        );
        await client.query(`DELETE FROM ${this.qualifiedElements}`);
      }
      if (this.postingOrder) {
        const o =
          this.postingOrder.type === 'string' || this.postingOrder.type === 'objectId'
            ? 'text COLLATE "C"'
            : this.postingOrder.type === 'boolean'
              ? 'jsonb'
              : 'numeric';
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${this.qualifiedPostings} (k text COLLATE "C" NOT NULL, o ${o}, id text COLLATE "C" NOT NULL)`,
        );
        await client.query(`DELETE FROM ${this.qualifiedPostings}`);
      }
      // An older definition of this summary: its triggers would keep maintaining its tables.
      const stale = await client.query<{ tgname: string }>(
        `SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass($1) AND starts_with(tgname, $2) AND NOT starts_with(tgname, $3)`,
        [base, `${this.base}_`, `${this.table}_`],
      );
      for (const { tgname } of stale.rows)
        await client.query(`DROP TRIGGER IF EXISTS ${ident(tgname)} ON ${base}`);
      // Per branch: the totals, then the element counts, then the postings (each when kept).
      const statements = (...sql: (string | false | undefined)[]) =>
        sql.filter((part): part is string => typeof part === 'string').join(';\n            ');
      const elements = this.summary.elements !== undefined;
      const postings = this.postingOrder !== undefined;
      const fn = `${ident(this.schema)}.${ident(this.fn)}`;
      await client.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            ${statements(
              this.upsert(this.contributions('new_rows', 1)),
              elements && this.elementUpsert(this.elementContributions('new_rows', 1)),
              postings && this.postingInsert(this.postings('new_rows')),
            )};
          ELSIF TG_OP = 'DELETE' THEN
            ${statements(
              this.upsert(this.contributions('old_rows', -1)),
              elements && this.elementUpsert(this.elementContributions('old_rows', -1)),
              postings && this.postingDelete(this.postings('old_rows')),
            )};
          ELSIF TG_OP = 'UPDATE' THEN
            ${statements(
              this.upsert(
                `${this.contributions('new_rows', 1)} UNION ALL ${this.contributions('old_rows', -1)}`,
              ),
              elements &&
                this.elementUpsert(
                  `${this.elementContributions('new_rows', 1)} UNION ALL ${this.elementContributions('old_rows', -1)}`,
                ),
              // An update that keeps the elements and the order key (nearly all) changes no posting.
              postings &&
                this.postingDelete(
                  `${this.postings('old_rows')} EXCEPT ${this.postings('new_rows')}`,
                ),
              postings &&
                this.postingInsert(
                  `${this.postings('new_rows')} EXCEPT ${this.postings('old_rows')}`,
                ),
            )};
          ELSE
            ${statements(
              `DELETE FROM ${this.qualified}`,
              elements && `DELETE FROM ${this.qualifiedElements}`,
              postings && `DELETE FROM ${this.qualifiedPostings}`,
            )};
          END IF;
          RETURN NULL;
        END
        $body$`);
      const trigger = (suffix: string, event: string, referencing: string) =>
        client.query(
          `CREATE OR REPLACE TRIGGER ${ident(`${this.table}_${suffix}`)} AFTER ${event} ON ${base} ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
        );
      await trigger('ins', 'INSERT', 'REFERENCING NEW TABLE AS new_rows');
      await trigger('del', 'DELETE', 'REFERENCING OLD TABLE AS old_rows');
      await trigger('upd', 'UPDATE', 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows');
      await trigger('trunc', 'TRUNCATE', '');
      await client.query(this.upsert(this.contributions(base, 1)));
      if (this.summary.elements)
        await client.query(this.elementUpsert(this.elementContributions(base, 1)));
      if (this.postingOrder) {
        await client.query(this.postingInsert(this.postings(base)));
        // Walked forwards and backwards in the read port's order (NULLS FIRST, as its btrees).
        await client.query(
          `CREATE UNIQUE INDEX IF NOT EXISTS ${ident(`${this.postingTable}_k_o_id`)} ON ${this.qualifiedPostings} (k, o NULLS FIRST, id NULLS FIRST) NULLS NOT DISTINCT`,
        );
        await client.query(`ANALYZE ${this.qualifiedPostings}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async totals(pool: Pool): Promise<Map<string, GroupTotals>> {
    const sums = this.summary.sum.map((_, i) => `, sum(s${i}) AS s${i}`).join('');
    const rows = await pool.query<Record<string, string | null>>(
      `SELECT g, sum(n) AS n${sums} FROM ${this.qualified} GROUP BY g HAVING sum(n) <> 0`,
    );
    return new Map(
      rows.rows.map((row) => [
        row.g as string,
        {
          count: Number(row.n),
          sums: Object.fromEntries(
            this.summary.sum.map((field, i) => [field, Number(row[`s${i}`])]),
          ),
        },
      ]),
    );
  }

  /** The count of `where` from the summary, when it covers it: the SQL (values in `params`), or undefined. */
  countQuery(where: Condition[], params: unknown[]): string | undefined {
    const { summary } = this;
    if (where.length === 0) return `SELECT coalesce(sum(n), 0) AS n FROM ${this.qualified}`;
    const onGroup = where.every(
      (c) =>
        c.op !== 'anyOf' &&
        c.field === summary.groupBy.field &&
        ['eq', 'in', 'ne', 'nin'].includes(c.op) &&
        summary.groupBy.type === 'string',
    );
    if (onGroup) {
      const conditions = where.map((c) => this.groupCondition(c, params) ?? 'FALSE');
      return `SELECT coalesce(sum(n), 0) AS n FROM ${this.qualified} WHERE ${conditions.join(' AND ')}`;
    }
    const elementCount = this.elementCountQuery(where, params);
    if (elementCount) return elementCount;
    if (where.length !== 1) return undefined;
    const [c] = where;
    if (c.op !== 'range') return undefined;
    const positive = (summary.countPositive ?? []).indexOf(c.field);
    const onlyGt = c.gte === undefined && c.lt === undefined && c.lte === undefined;
    if (positive >= 0 && onlyGt && c.gt === 0)
      return `SELECT coalesce(sum(p${positive}), 0) AS n FROM ${this.qualified}`;
    return undefined;
  }

  /** Documents holding each of `elements`, whatever their group. */
  async elementTotals(pool: Pool, elements: string[]): Promise<Map<string, number>> {
    const { rows } = await pool.query<{ k: string; n: string }>(
      `SELECT k, sum(n) AS n FROM ${this.qualifiedElements} WHERE k = ANY($1::text[]) GROUP BY k`,
      [elements],
    );
    return new Map(rows.map((row) => [row.k, Number(row.n)]));
  }

  /** One counted element of the elements field, and conditions on the group only. */
  private elementCountQuery(where: Condition[], params: unknown[]): string | undefined {
    const { elements, groupBy } = this.summary;
    if (!elements || groupBy.type !== 'string') return undefined;
    const containing = where.filter((c) => c.op === 'containsAll' && c.field === elements.field);
    const onGroup = where.filter((c) => c.op !== 'anyOf' && c.field === groupBy.field);
    if (containing.length !== 1 || containing.length + onGroup.length !== where.length)
      return undefined;
    const c = containing[0] as Condition & { op: 'containsAll' };
    const element = c.values.length === 1 ? c.values[0] : undefined;
    if (typeof element !== 'string' || !element.startsWith(elements.prefix)) return undefined;
    const conditions = onGroup.map((g) => this.groupCondition(g, params));
    if (conditions.includes(undefined)) return undefined;
    const add = (value: unknown) => `$${params.push(value)}`;
    return `SELECT coalesce(sum(n), 0) AS n FROM ${this.qualifiedElements} WHERE k = ${add(element)}::text${conditions.map((sql) => ` AND ${sql}`).join('')}`;
  }

  /** A condition on the group value, as SQL on `g` (undefined: not one the totals can answer). */
  private groupCondition(c: Condition, params: unknown[]): string | undefined {
    const add = (value: unknown) => `$${params.push(value)}`;
    if (c.op === 'eq') return `g = ${add(c.value)}::text`;
    if (c.op === 'ne') return `g IS DISTINCT FROM ${add(c.value)}::text`;
    if (c.op === 'in') return `g = ANY(${add(c.values)}::text[])`;
    if (c.op === 'nin') return `(g IS NULL OR g <> ALL(${add(c.values)}::text[]))`;
    return undefined;
  }

  /** For `field >= since` on the perDay field: the first whole day counted from the summary. */
  dayRange(where: Condition[]): { since: number; nextDay: number } | undefined {
    if (where.length !== 1) return undefined;
    const [c] = where;
    if (c.op !== 'range' || c.field !== this.summary.perDay) return undefined;
    if (c.gte === undefined || c.gt !== undefined || c.lt !== undefined || c.lte !== undefined)
      return undefined;
    const since = (c.gte instanceof Date ? c.gte : new Date(c.gte as string)).getTime();
    return { since, nextDay: (Math.floor(since / DAY_MS) + 1) * DAY_MS };
  }

  daysFromQuery(fromDay: number): string {
    return `SELECT coalesce(sum(n), 0) AS n FROM ${this.qualified} WHERE day >= ${Math.floor(fromDay / DAY_MS)}`;
  }
}
