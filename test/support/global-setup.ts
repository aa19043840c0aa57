import { startEmbeddedFerretDb } from '../../src/database/embedded-ferretdb';

declare global {
  var __TEST_DATABASE__: { stop(): Promise<void> } | undefined;
}

/**
 * One FerretDB for the whole e2e run, on the PostgreSQL backend (much faster at filtering than
 * SQLite) in a fresh PostgreSQL database. TEST_MONGODB_URI points the suite at another server.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const postgresUrl = `postgres://postgres@127.0.0.1:5432/ferretdb_test_${runId}`;
  const database = await startEmbeddedFerretDb({ backend: 'postgresql', postgresUrl });
  process.env.TEST_MONGODB_URI = database.uri;
  // The test apps add their GIN indexes there, as the service does on the embedded PostgreSQL.
  process.env.TEST_FERRETDB_POSTGRES_URL = postgresUrl;
  globalThis.__TEST_DATABASE__ = database;
}
