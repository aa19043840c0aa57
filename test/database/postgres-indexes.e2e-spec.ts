import { Client } from 'pg';
import { POSTGRES_GIN_INDEXES, ginIndexName } from '../../src/database/postgres-indexes';
import { startTestApp, TestApp } from '../support/test-app';

const postgresUrl = process.env.TEST_FERRETDB_POSTGRES_URL;
const onFerretDbPostgres = postgresUrl ? describe : describe.skip;

/** FerretDB's explain of a find: its backend (PostgreSQL) plan as text. */
async function backendPlan(t: TestApp, filter: Record<string, unknown>): Promise<string> {
  const explained = await t.connection.db!.command({ explain: { find: 'customers', filter } });
  return JSON.stringify(explained);
}

onFerretDbPostgres('GIN indexes on FerretDB’s PostgreSQL tables', () => {
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

  it('are created at start-up for every looked-up field', async () => {
    const { rows } = await pg.query<{ indexname: string; indexdef: string }>(
      'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1',
      [t.databaseName],
    );
    for (const { collection, field } of POSTGRES_GIN_INDEXES) {
      const index = rows.find((r) => r.indexname === ginIndexName(collection, field));
      expect({ collection, field, def: index?.indexdef }).toEqual({
        collection,
        field,
        def: expect.stringMatching(
          new RegExp(`USING gin \\(+_jsonb -> '${field}'::text\\)+ jsonb_path_ops\\)`),
        ),
      });
    }
  });

  it("serve the service's equality lookups once the table is large enough to prefer them", async () => {
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      phone_number: `555${String(i).padStart(7, '0')}`,
      search_keys: [`n:k${i}`, `p:${i}`],
      audit_pending: false,
    }));
    await t.connection.db!.collection('customers').insertMany(docs);
    const table = await pg.query<{ table: string }>(
      `SELECT _jsonb ->> 'table' AS table FROM "${t.databaseName}"._ferretdb_database_metadata WHERE _jsonb ->> '_id' = 'customers'`,
    );
    await pg.query(`ANALYZE "${t.databaseName}"."${table.rows[0].table}"`);

    expect(await backendPlan(t, { phone_number: '5550001234' })).toContain(
      ginIndexName('customers', 'phone_number'),
    );
    expect(await backendPlan(t, { search_keys: 'n:k42' })).toContain(
      ginIndexName('customers', 'search_keys'),
    );
    expect(await backendPlan(t, { audit_pending: true })).toContain(
      ginIndexName('customers', 'audit_pending'),
    );
  });

  it('are created again by a second start without complaint', async () => {
    const second = await startTestApp({}, { databaseName: t.databaseName });
    try {
      const { rows } = await pg.query(
        'SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE $2',
        [t.databaseName, 'pawnshop_gin_%'],
      );
      expect(rows[0].n).toBe(POSTGRES_GIN_INDEXES.length);
    } finally {
      await second.close();
    }
  });
});
