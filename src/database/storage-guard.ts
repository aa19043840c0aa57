import { Client } from 'pg';
import { WRITE_CONFLICT_MARK } from './database-errors';
import { REVISION_FIELD } from './database.constants';
import { ferretDbTables } from './ferretdb-postgres-reader';
import { ident } from './ferretdb-sql';

/**
 * Collections whose every update bumps `revision` by one (see REVISION_FIELD), so that the storage
 * can refuse an update that did not start from the stored document.
 */
export const GUARDED_COLLECTIONS = ['customers', 'login_attempts', 'users'] as const;


const GUARD_FUNCTION = 'public.pawnshop_revision_guard';
const GUARD_TRIGGER = 'pawnshop_revision_guard';
/** Any number, the same in every instance: installs from several instances at once take turns. */
const INSTALL_LOCK = 7_301_969;

/**
 * FerretDB 1.24 applies findAndModify and update as an unlocked read, then
 * `UPDATE … SET _jsonb = <the new document> WHERE _id = …`: two writers (connections, processes)
 * that read the same document both write, and the second silently undoes the first. Under
 * READ COMMITTED the second UPDATE waits for the first to commit and then runs against the row
 * the first wrote, so a BEFORE UPDATE trigger sees that row as OLD: requiring
 * NEW.revision = OLD.revision + 1 refuses exactly the writes computed from a row that is no longer
 * there. The refused write reaches the client as an error carrying WRITE_CONFLICT_MARK, which
 * the repositories treat as a lost optimistic race and retry on fresh state.
 */
export async function installStorageGuard(postgresUrl: string, database: string): Promise<string[]> {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK]);
    await client.query(`
      CREATE OR REPLACE FUNCTION ${GUARD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $guard$
      BEGIN
        IF COALESCE((NEW._jsonb ->> '${REVISION_FIELD}')::numeric, 0)
           <> COALESCE((OLD._jsonb ->> '${REVISION_FIELD}')::numeric, 0) + 1 THEN
          RAISE EXCEPTION USING ERRCODE = '40001',
            MESSAGE = '${WRITE_CONFLICT_MARK}: the document changed since it was read';
        END IF;
        RETURN NEW;
      END
      $guard$`);
    const tables = await ferretDbTables(client, database);
    const guarded: string[] = [];
    for (const collection of GUARDED_COLLECTIONS) {
      const table = tables.get(collection);
      if (!table) throw new Error(`no table for the collection ${collection} yet`);
      await client.query(
        `CREATE OR REPLACE TRIGGER ${GUARD_TRIGGER} BEFORE UPDATE ON ${ident(database)}.${ident(table)}
         FOR EACH ROW EXECUTE FUNCTION ${GUARD_FUNCTION}()`,
      );
      guarded.push(collection);
    }
    await client.query('COMMIT');
    return guarded;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
