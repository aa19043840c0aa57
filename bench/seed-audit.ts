/**
 * Seeds the audit trail fast: `perCustomer` events for every seeded customer, written straight
 * into FerretDB's PostgreSQL table in FerretDB's own stored format (see
 * src/database/ferretdb-sjson.ts), one INSERT … SELECT. Through the wire protocol a million events
 * take many minutes; this takes seconds. The events are what the app records: a creation, then
 * updates, status changes and transactions, by a handful of clerks, one a day after the creation.
 */
import { Client } from 'pg';
import mongoose from 'mongoose';
import { AuditEvent, AuditEventSchema } from '../src/audit/audit-event.schema';

const STRING = '{"t":"string"}';
const SCHEMA = `{"$k":["_id","customer_id","action","at","actor","phone_number","request_id"],"p":{"_id":{"t":"objectId"},"customer_id":{"t":"objectId"},"action":${STRING},"at":{"t":"date"},"actor":{"t":"object","$s":{"$k":["username","role"],"p":{"username":${STRING},"role":${STRING}}}},"phone_number":${STRING},"request_id":${STRING}}}`;

export async function seedAuditEvents(
  uri: string,
  postgresUrl: string,
  perCustomer: number,
): Promise<{ count: number; seconds: number }> {
  const started = Date.now();
  const connection = await mongoose.createConnection(uri, { autoIndex: false }).asPromise();
  const database = connection.db!.databaseName;
  try {
    // The collection and its indexes, as the app makes them.
    await connection.model(AuditEvent.name, AuditEventSchema).createIndexes();
  } finally {
    await connection.close();
  }
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const tables = await client.query<{ collection: string; table: string }>(
      `SELECT _jsonb ->> '_id' AS collection, _jsonb ->> 'table' AS table FROM "${database}"._ferretdb_database_metadata`,
    );
    const table = (name: string) =>
      `"${database}"."${tables.rows.find((row) => row.collection === name)!.table}"`;
    const result = await client.query(
      `INSERT INTO ${table('audit_events')} (_jsonb)
       SELECT jsonb_build_object(
         '$s', $1::jsonb,
         '_id', 'ae' || lpad(to_hex(row_number() OVER ()), 22, '0'),
         'customer_id', c._jsonb -> '_id',
         'action', (ARRAY['customer.created','customer.updated','customer.status_changed','customer.transaction_recorded'])[CASE WHEN k = 1 THEN 1 ELSE 2 + k % 3 END],
         'at', (c._jsonb -> 'created_at')::numeric + (k - 1) * 86400000,
         'actor', jsonb_build_object('username', 'clerk.' || (k % 5), 'role', 'staff'),
         'phone_number', c._jsonb -> 'phone_number',
         'request_id', 'seed-' || k)
       FROM ${table('customers')} c, generate_series(1, $2::int) k`,
      [SCHEMA, perCustomer],
    );
    await client.query(`ANALYZE ${table('audit_events')}`);
    return { count: result.rowCount ?? 0, seconds: (Date.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}
