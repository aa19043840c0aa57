import { dropPostgresDatabase } from '../../src/database/embedded-ferretdb';

/** Stops the run's FerretDB and drops its PostgreSQL database (only one that the setup created). */
export default async function globalTeardown(): Promise<void> {
  const database = globalThis.__TEST_DATABASE__;
  if (!database) return;
  await database.stop();
  await dropPostgresDatabase(database.postgresUrl);
}
