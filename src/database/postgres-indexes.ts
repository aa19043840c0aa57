import { createHash } from 'node:crypto';
import { Model } from 'mongoose';
import { Client } from 'pg';
import type { FieldType, TypedField } from './document-reader';
import { ferretDbTables } from './ferretdb-postgres-reader';
import { ident, literal, sortExpression } from './ferretdb-sql';


/**
 * FerretDB 1.24 on PostgreSQL turns a top-level equality into `_jsonb -> 'field' @> value`
 * (for an array field: "contains"), but its own indexes are btree indexes that cannot serve
 * `@>`, so PostgreSQL scans the whole table. A GIN index on the same expression serves it
 * (measured in bench/README.md: get by phone 18x at 10,000 customers). These are the fields
 * the service looks documents up by; `_id` lookups are served by FerretDB's own index.
 */
export const POSTGRES_GIN_INDEXES: ReadonlyArray<{ collection: string; field: string }> = [
  { collection: 'customers', field: 'phone_number' },
  { collection: 'customers', field: 'search_keys' },
  { collection: 'customers', field: 'audit_pending' },
  { collection: 'users', field: 'username' },
  { collection: 'revoked_tokens', field: 'jti' },
  { collection: 'access_log', field: 'actor' },
  { collection: 'access_log', field: 'phone_number' },
  // FerretDB's findAndModify, update and delete by _id generate `_jsonb -> '_id' @> value`,
  // which its own btree _id index cannot serve: without these every write by _id scans.
  { collection: 'customers', field: '_id' },
  { collection: 'audit_events', field: '_id' },
  { collection: 'idempotency_records', field: '_id' },
  { collection: 'users', field: '_id' },
  { collection: 'login_attempts', field: '_id' },
];

/**
 * A btree index on the comparable forms of fields (see sortExpression), for the reads the read
 * port issues in SQL: ordered pages walk it, equalities and ranges seek it.
 */
export interface BtreeIndex {
  collection: string;
  keys: TypedField[];
}

export function btreeIndexName({ collection, keys }: BtreeIndex): string {
  const name = `pawnshop_bt_${collection}_${keys.map((key) => key.field.replace(/\W/g, '_')).join('__')}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, 52)}_${hash}`;
}

const TYPE_OF_SCHEMA_PATH: Record<string, FieldType> = {
  String: 'string',
  Number: 'number',
  Date: 'date',
  ObjectId: 'objectId',
  Boolean: 'boolean',
};

/**
 * The btree indexes that mirror each model's schema indexes (each ending with `_id`, the last
 * key of every page), on fields of a comparable type. Array fields are left to GIN indexes.
 */
export function btreeIndexesOf(models: Model<unknown>[]): BtreeIndex[] {
  const indexes: BtreeIndex[] = [];
  const seen = new Set<string>();
  for (const model of models) {
    const collection = model.collection.collectionName;
    for (const [fields] of model.schema.indexes()) {
      const keys: TypedField[] = [];
      for (const field of Object.keys(fields)) {
        const type = TYPE_OF_SCHEMA_PATH[model.schema.path(field)?.instance ?? ''];
        if (!type) break;
        keys.push({ field, type });
      }
      if (keys.length !== Object.keys(fields).length) continue;
      if (keys[keys.length - 1].field !== '_id') keys.push({ field: '_id', type: 'objectId' });
      const index = { collection, keys };
      const name = btreeIndexName(index);
      if (seen.has(name)) continue;
      seen.add(name);
      indexes.push(index);
    }
  }
  return indexes;
}

export function ginIndexName(collection: string, field: string): string {
  return `pawnshop_gin_${collection}_${field}`;
}

/**
 * Creates the GIN indexes in FerretDB's PostgreSQL database, for FerretDB's tables of `database`
 * (FerretDB keeps a Mongo database as a PostgreSQL schema and a collection as a table it names;
 * the names come from its metadata table). Idempotent; FerretDB ignores indexes it did not make,
 * and drops them with the collection. Returns the indexes created now.
 */
export async function ensurePostgresIndexes(
  postgresUrl: string,
  database: string,
  btrees: BtreeIndex[] = [],
): Promise<string[]> {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    // Building a GIN index over a large table is much faster with room to sort in (this session only).
    await client.query(`SET maintenance_work_mem = '256MB'`);
    const tables = await ferretDbTables(client, database);
    const existing = await client.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1',
      [database],
    );
    const present = new Set(existing.rows.map((row) => row.indexname));
    const created: string[] = [];
    const toAnalyze = new Set<string>();
    for (const { collection, field } of POSTGRES_GIN_INDEXES) {
      const table = tables.get(collection);
      const name = ginIndexName(collection, field);
      if (!table || present.has(name)) continue;
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(database)}.${ident(table)} USING gin ((_jsonb -> ${literal(field)}) jsonb_path_ops)`,
      );
      created.push(name);
      toAnalyze.add(table);
    }
    for (const index of btrees) {
      const table = tables.get(index.collection);
      const name = btreeIndexName(index);
      if (!table || present.has(name)) continue;
      const columns = index.keys.map((key) => `${sortExpression(key)} NULLS FIRST`).join(', ');
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(database)}.${ident(table)} (${columns})`,
      );
      created.push(name);
      toAnalyze.add(table);
    }
    // Btree indexes of an earlier schema (a sort whose keys changed) only cost writes now.
    const wanted = new Set(btrees.map(btreeIndexName));
    for (const name of present) {
      if (name.startsWith('pawnshop_bt_') && !wanted.has(name) && btrees.length > 0)
        await client.query(`DROP INDEX IF EXISTS ${ident(database)}.${ident(name)}`);
    }
    for (const table of toAnalyze) await client.query(`ANALYZE ${ident(database)}.${ident(table)}`);
    return created;
  } finally {
    await client.end();
  }
}
