/**
 * The database a run measures: an embedded FerretDB (SQLite in a temp folder, or PostgreSQL in a
 * fresh database) started with the app's own starter, or the server in MONGODB_URI.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { EmbeddedBackend, startEmbeddedFerretDb } from '../src/database/embedded-ferretdb';
import { childPids, pidsMatching } from './proc';

const execFileAsync = promisify(execFile);

export type Backend = EmbeddedBackend | 'external';

export interface BenchDatabase {
  backend: Backend;
  /** The URI the app and the floor use, with the bench database in its path. */
  uri: string;
  databaseName: string;
  /** Processes doing the database's work (FerretDB, its PostgreSQL backends), for CPU accounting. */
  pids(): number[];
  /** "FerretDB 1.24.2" or "MongoDB 7.0.x". */
  server: string;
  isFerretDb: boolean;
  /** PostgreSQL backend only: FerretDB's PostgreSQL database. */
  postgresUrl?: string;
  /** PostgreSQL backend only: runs SQL in FerretDB's database ({{customers}} names the customers table). */
  applySql?(sql: string): Promise<void>;
  stop(): Promise<void>;
}

const POSTGRES_BASE = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export async function startDatabase(
  backend: Backend,
  externalUri?: string,
): Promise<BenchDatabase> {
  if (backend === 'external') return external(externalUri!);
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const pgDatabase = `pawnshop_bench_${runId}`;
  const postgresUrl = `${POSTGRES_BASE}/${pgDatabase}`;
  const before = new Set(childPids(process.pid));
  const embedded = await startEmbeddedFerretDb({ backend, postgresUrl });
  const ferretPids = childPids(process.pid).filter((pid) => !before.has(pid));
  const uri = withDatabase(embedded.uri, 'pawnshop');
  const server = await serverVersion(uri);
  return {
    backend,
    uri,
    databaseName: 'pawnshop',
    server: server.description,
    isFerretDb: server.isFerretDb,
    // PostgreSQL runs one backend process per connection; they show their database in the title.
    pids: () =>
      backend === 'postgresql'
        ? [...ferretPids, ...pidsMatching(`postgres: .* ${pgDatabase} `)]
        : ferretPids,
    postgresUrl: backend === 'postgresql' ? postgresUrl : undefined,
    applySql: backend === 'postgresql' ? (sql) => applyPostgresSql(postgresUrl, sql) : undefined,
    async stop() {
      await embedded.stop();
      if (backend === 'postgresql') await dropPostgresDatabase(pgDatabase);
    },
  };
}

async function external(uri: string): Promise<BenchDatabase> {
  const databaseName = process.env.BENCH_DB_NAME ?? 'pawnshop_bench';
  const benchUri = withDatabase(uri, databaseName);
  const server = await serverVersion(benchUri);
  return {
    backend: 'external',
    uri: benchUri,
    databaseName,
    server: server.description,
    isFerretDb: server.isFerretDb,
    pids: () => [],
    stop: async () => undefined,
  };
}

async function serverVersion(uri: string): Promise<{ description: string; isFerretDb: boolean }> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = info.ferretdbVersion as string | undefined;
    return ferret
      ? {
          description: `FerretDB ${ferret === 'unknown' ? embeddedFerretDbVersion() : ferret}`,
          isFerretDb: true,
        }
      : { description: `MongoDB ${info.version as string}`, isFerretDb: false };
  } finally {
    await client.close();
  }
}

/** The embedded build reports "unknown": read the version it is built from. */
function embeddedFerretDbVersion(): string {
  const goMod = readFileSync(join(__dirname, '..', 'ferretdb', 'go.mod'), 'utf8');
  return /github\.com\/FerretDB\/FerretDB v(\S+)/.exec(goMod)?.[1] ?? 'unknown';
}

export function withDatabase(uri: string, databaseName: string): string {
  const url = new URL(uri);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

async function applyPostgresSql(postgresUrl: string, sql: string): Promise<void> {
  const psql = (command: string) =>
    execFileAsync('psql', [postgresUrl, '-v', 'ON_ERROR_STOP=1', '-qAtc', command]);
  const { stdout } = await psql(
    `SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = 'pawnshop' AND tablename LIKE 'customers\\_%'`,
  );
  const table = stdout.trim().split('\n')[0];
  if (!table) throw new Error('no customers table in the PostgreSQL database');
  await psql(sql.replace(/\{\{customers\}\}/g, table));
}

async function dropPostgresDatabase(name: string): Promise<void> {
  try {
    await execFileAsync('psql', [
      `${POSTGRES_BASE}/postgres`,
      '-qc',
      `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
    ]);
  } catch (error) {
    process.stderr.write(
      `warning: could not drop PostgreSQL database ${name}: ${(error as Error).message}\n`,
    );
  }
}
