import { Client } from 'pg';
import { dropPostgresDatabase, startEmbeddedFerretDb } from '../../src/database/embedded-ferretdb';

declare global {
  var __TEST_DATABASE__: { stop(): Promise<void>; postgresUrl: string } | undefined;
}

const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const TEST_DATABASE_PREFIX = 'ferretdb_test_';
/** A run's database older than this is left over from a run that was killed: dropped. */
const LEFTOVER_AFTER_MS = 60 * 60 * 1000;

/**
 * One FerretDB for the whole e2e run, on the PostgreSQL backend (much faster at filtering than
 * SQLite) in a fresh PostgreSQL database, dropped by the global teardown. TEST_MONGODB_URI points
 * the suite at another server.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  await dropLeftoverTestDatabases();
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const postgresUrl = `${POSTGRES}/${TEST_DATABASE_PREFIX}${runId}`;
  const database = await startEmbeddedFerretDb({ backend: 'postgresql', postgresUrl });
  process.env.TEST_MONGODB_URI = database.uri;
  // The test apps add their GIN indexes there, as the service does on the embedded PostgreSQL.
  process.env.TEST_FERRETDB_POSTGRES_URL = postgresUrl;
  globalThis.__TEST_DATABASE__ = { stop: database.stop, postgresUrl };
}

/** Databases of earlier runs that never reached their teardown (the run id starts with its time). */
async function dropLeftoverTestDatabases(): Promise<void> {
  const client = new Client({ connectionString: `${POSTGRES}/postgres`, connectionTimeoutMillis: 5000 });
  let names: string[] = [];
  try {
    await client.connect();
    const rows = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [TEST_DATABASE_PREFIX],
    );
    names = rows.rows.map((row) => row.datname);
  } finally {
    await client.end().catch(() => undefined);
  }
  const cutoff = Date.now() - LEFTOVER_AFTER_MS;
  for (const name of names) {
    const startedAt = parseInt(name.slice(TEST_DATABASE_PREFIX.length).split('_')[0], 36);
    if (Number.isFinite(startedAt) && startedAt < cutoff)
      await dropPostgresDatabase(`${POSTGRES}/${name}`).catch(() => undefined);
  }
}
