import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { Client } from 'pg';
import { DatabaseEngine } from './database-engine';

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
];

const METADATA_TABLE = '_ferretdb_database_metadata';

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
): Promise<string[]> {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
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
    for (const table of toAnalyze) await client.query(`ANALYZE ${ident(database)}.${ident(table)}`);
    return created;
  } finally {
    await client.end();
  }
}

/** FerretDB's table for each collection of `database`, from its metadata table (none yet: empty). */
export async function ferretDbTables(client: Client, database: string): Promise<Map<string, string>> {
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

/** A PostgreSQL identifier; the names here are ours or FerretDB's, quoted all the same. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * At start-up, when the database is FerretDB on a PostgreSQL the service can reach (the embedded
 * database on PostgreSQL, or `FERRETDB_POSTGRES_URL`), after Mongoose has created the collections
 * and their indexes. A failure is logged and the service runs on without them: slower, not wrong.
 */
@Injectable()
export class PostgresIndexes implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly engine: DatabaseEngine,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const postgresUrl = this.engine.postgresUrl;
    if (!postgresUrl) return;
    try {
      await Promise.all(Object.values(this.connection.models).map((model) => model.init()));
      const created = await ensurePostgresIndexes(
        postgresUrl,
        this.connection.db!.databaseName,
      );
      if (created.length)
        this.logger.log({ msg: 'PostgreSQL GIN indexes created for FerretDB', indexes: created });
    } catch (error) {
      this.logger.warn({
        msg: 'could not create the PostgreSQL GIN indexes; lookups scan',
        error: (error as Error).message,
      });
    }
  }
}
