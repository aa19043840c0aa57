import { Types } from 'mongoose';
import { Client } from 'pg';
import { ginIndexName } from '../../src/database/postgres-indexes';
import { startTestApp, TestApp } from '../support/test-app';

const postgresUrl = process.env.TEST_FERRETDB_POSTGRES_URL;
const onFerretDbPostgres = postgresUrl ? describe : describe.skip;

/**
 * FerretDB turns the `_id` of every findAndModify, update and delete into `_jsonb -> '_id' @>`:
 * each write path's lookup must be an index scan, not a scan of the whole table. (FerretDB
 * explains finds only; findAndModify, update and delete build the same WHERE clause.)
 */
onFerretDbPostgres('writes by _id on FerretDB’s PostgreSQL tables', () => {
  let t: TestApp;
  let pg: Client;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: postgresUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it.each([
    ['customers', (i: number) => new Types.ObjectId(i.toString(16).padStart(24, '0'))],
    ['audit_events', (i: number) => new Types.ObjectId(i.toString(16).padStart(24, '0'))],
    ['idempotency_records', (i: number) => `customer:${i}:key`],
    ['users', (i: number) => new Types.ObjectId(i.toString(16).padStart(24, '0'))],
    ['login_attempts', (i: number) => `user.${i}`],
  ] as const)('%s: a lookup by _id is served by an index', async (collection, idOf) => {
    const docs = Array.from({ length: 3000 }, (_, i) => ({ _id: idOf(i + 1), n: i }));
    const raw = t.connection.db!.collection(collection);
    await raw.insertMany(docs as never[]);
    const table = await pg.query<{ table: string }>(
      `SELECT _jsonb ->> 'table' AS table FROM "${t.databaseName}"._ferretdb_database_metadata WHERE _jsonb ->> '_id' = $1`,
      [collection],
    );
    await pg.query(`ANALYZE "${t.databaseName}"."${table.rows[0].table}"`);
    const explained = JSON.stringify(
      await t.connection.db!.command({
        explain: { find: collection, filter: { _id: idOf(1234) } },
      }),
    );
    expect(explained).toContain(ginIndexName(collection, '_id'));
    expect(explained).not.toContain('Seq Scan');
    expect(
      // Every update raises revision: the storage guard refuses one that does not.
      await raw.findOneAndUpdate({ _id: idOf(1234) } as never, { $set: { n: -1 }, $inc: { revision: 1 } }),
    ).toBeTruthy();
  });
});
