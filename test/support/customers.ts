import { AuditRelay } from '../../src/audit/audit-relay.service';
import type { Response } from 'supertest';
import { AccessLogService } from '../../src/access-log/access-log.service';
import { TestApp } from './test-app';

/** Shared helpers for the customer and audit e2e tests: everything goes through HTTP. */

export const CUSTOMERS = '/api/v1/customer';
export const AUDIT = '/api/v1/audit';

export const STATUSES = ['active', 'suspended', 'banned', 'deactivated', 'archived'] as const;
export type Status = (typeof STATUSES)[number];
export const STATUS_ACTIONS = ['suspend', 'ban', 'reactivate', 'deactivate', 'archive'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];
export const TRANSACTION_TYPES = ['loan_opened', 'loan_redeemed', 'loan_forfeited', 'purchase', 'sale', 'payment'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** The Customer JSON of the SPEC: these keys always, `email` and `notes` only when set (or null). */
export const CUSTOMER_REQUIRED_KEYS = [
  'phone_number',
  'first_name',
  'last_name',
  'status',
  'total_transactions',
  'active_loans',
  'version',
  'created_at',
  'updated_at',
];
export const CUSTOMER_OPTIONAL_KEYS = ['email', 'notes'];
export const AUDIT_EVENT_KEYS = [
  'action',
  'at',
  'actor',
  'phone_number',
  'version',
  'request_id',
  'reason',
  'from_status',
  'to_status',
  'changes',
  'transaction_type',
];
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let phoneCounter = 0;
/** A fresh, valid, normalized 10-digit phone per call (prefix 7 keeps clear of the fixed test numbers). */
export function uniquePhone(): string {
  phoneCounter += 1;
  const worker = Number(process.env.JEST_WORKER_ID ?? 1) % 10;
  return `7${worker}${String(phoneCounter).padStart(8, '0')}`;
}

export interface CustomerInput {
  phone_number?: string;
  first_name?: string;
  last_name?: string;
  email?: string | null;
  notes?: string;
  [extra: string]: unknown;
}

export interface Customer {
  phone_number: string;
  first_name: string;
  last_name: string;
  email?: string | null;
  notes?: string | null;
  status: Status;
  total_transactions: number;
  active_loans: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export const phonePath = (phone: string) => `${CUSTOMERS}/${encodeURIComponent(phone)}`;

/** Creates a customer through the API and insists on a 201. */
export async function createCustomer(t: TestApp, token: string, overrides: CustomerInput = {}): Promise<Customer> {
  const body = { phone_number: uniquePhone(), first_name: 'Test', last_name: 'Customer', ...overrides };
  const res = await t.http().post(`${CUSTOMERS}/`).set(bearer(token)).send(body);
  if (res.status !== 201) throw new Error(`create customer failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Customer;
}

export async function getCustomer(t: TestApp, token: string, phone: string): Promise<Customer> {
  const res = await t.http().get(phonePath(phone)).set(bearer(token));
  if (res.status !== 200) throw new Error(`get customer ${phone} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Customer;
}

export function changeStatus(t: TestApp, token: string, phone: string, action: StatusAction, reason = 'A valid reason') {
  return t.http().post(`${phonePath(phone)}/${action}`).set(bearer(token)).send({ reason });
}

/** Applies a status action and insists on a 200. */
export async function applyStatus(t: TestApp, token: string, phone: string, action: StatusAction, reason?: string): Promise<Customer> {
  const res = await changeStatus(t, token, phone, action, reason);
  if (res.status !== 200) throw new Error(`${action} ${phone} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Customer;
}

/** The path from a fresh (active) customer to each status. */
export const PATH_TO_STATUS: Record<Status, StatusAction[]> = {
  active: [],
  suspended: ['suspend'],
  banned: ['ban'],
  deactivated: ['deactivate'],
  archived: ['archive'],
};

export async function customerInStatus(t: TestApp, adminToken: string, status: Status, overrides: CustomerInput = {}): Promise<Customer> {
  let customer = await createCustomer(t, adminToken, overrides);
  for (const action of PATH_TO_STATUS[status]) customer = await applyStatus(t, adminToken, customer.phone_number, action);
  return customer;
}

export function transaction(t: TestApp, token: string, phone: string, type: string, idempotencyKey?: string) {
  const req = t.http().post(`${phonePath(phone)}/transactions`).set(bearer(token));
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
  return req.send({ type });
}

/** Records a transaction and insists on a 201. */
export async function recordTransaction(t: TestApp, token: string, phone: string, type: TransactionType): Promise<Customer> {
  const res = await transaction(t, token, phone, type);
  if (res.status !== 201) throw new Error(`${type} on ${phone} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Customer;
}

/** The members some problems carry beyond the standard ones (SPEC *Status changes*). */
const PROBLEM_MEMBERS: Record<string, string[]> = {
  INVALID_STATUS_TRANSITION: ['current_status', 'allowed_from'],
  CUSTOMER_HAS_ACTIVE_LOANS: ['active_loans'],
};

/** A problem document of the SPEC: exact status, media type, fields and (optionally) code. */
export function expectProblem(res: Response, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.body as Record<string, unknown>;
  const members = PROBLEM_MEMBERS[body.code as string] ?? [];
  for (const key of Object.keys(body)) expect(['type', 'title', 'status', 'detail', 'code', 'request_id', 'errors', ...members]).toContain(key);
  for (const member of members) expect(body).toHaveProperty(member);
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code: expect.stringMatching(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/),
      request_id: res.headers['x-request-id'],
    }),
  );
  if (code) expect(body.code).toBe(code);
  if (status === 422) {
    expect(Array.isArray(body.errors)).toBe(true);
    expect((body.errors as unknown[]).length).toBeGreaterThan(0);
    for (const error of body.errors as unknown[]) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  }
  // No driver messages, stack traces or internal paths.
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/E11000|Mongo|mongoose|duplicate key|\bat .+\.(ts|js):\d+|\/work\/|node_modules|src\//i);
}

/** A 422 whose `errors` names `field` (dots allowed for nesting: `first_name` also matches `first_name.$gt`). */
export function expectValidationError(res: Response, field?: string): void {
  expectProblem(res, 422);
  if (field) {
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields.some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`))).toBe(true);
  }
}

/** The exact Customer JSON shape (values checked by the caller), plus the ETag of its version. */
export function expectCustomer(res: Response, status: number, expected: Partial<Customer> = {}): Customer {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as Customer;
  expectCustomerShape(body);
  expect(body).toMatchObject(expected);
  expect(res.headers.etag).toBe(`"${body.version}"`);
  return body;
}

export function expectCustomerShape(body: unknown): void {
  const customer = body as Record<string, unknown>;
  for (const key of CUSTOMER_REQUIRED_KEYS) expect(customer).toHaveProperty(key);
  for (const key of Object.keys(customer)) expect([...CUSTOMER_REQUIRED_KEYS, ...CUSTOMER_OPTIONAL_KEYS]).toContain(key);
  expect(customer).toEqual(
    expect.objectContaining({
      phone_number: expect.stringMatching(/^\d{10}$/),
      first_name: expect.any(String),
      last_name: expect.any(String),
      status: expect.stringMatching(/^(active|suspended|banned|deactivated|archived)$/),
      total_transactions: expect.any(Number),
      active_loans: expect.any(Number),
      version: expect.any(Number),
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    }),
  );
}

/** The paginated envelope of list, history and audit. */
export function expectPage(res: Response, expected: { total: number; page: number; per_page: number; pages?: number }): unknown[] {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  const body = res.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['items', 'page', 'pages', 'per_page', 'total']);
  const pages = expected.pages ?? Math.ceil(expected.total / expected.per_page);
  const want: Record<string, number> = { total: expected.total, page: expected.page, per_page: expected.per_page };
  // With no results, 0 and 1 are both defensible page counts; the SPEC does not say.
  if (expected.total > 0) want.pages = pages;
  expect(body).toMatchObject(want);
  expect(Array.isArray(body.items)).toBe(true);
  return body.items as unknown[];
}

export const phonesOf = (items: unknown[]) => (items as Customer[]).map((c) => c.phone_number);

/**
 * Every document of every collection, for "nothing was written" checks. Login-throttle bookkeeping
 * is left out: it belongs to auth, not to the requests under test.
 */
export async function databaseSnapshot(t: TestApp): Promise<Record<string, unknown[]>> {
  // Reads already answered are written to the access log in batches: write them out first, so
  // that a batch landing later is not taken for a write by the request under test.
  await t.app.get(AccessLogService).flush();
  const db = t.connection.db!;
  const collections = (await db.listCollections().toArray()).map((c) => c.name).filter((n) => !/login|attempt|throttle/i.test(n));
  const snapshot: Record<string, unknown[]> = {};
  for (const name of collections.sort()) {
    const docs = await db.collection(name).find({}).toArray();
    snapshot[name] = docs.map((d) => JSON.stringify(d)).sort();
  }
  return snapshot;
}

/**
 * A snapshot once background work has finished: two reads 100 ms apart that agree. Work a
 * successful request leaves behind (e.g. moving its audit record out of an outbox) may finish
 * after the response; it must not be mistaken for a write by the request under test.
 */
export async function settledSnapshot(t: TestApp): Promise<Record<string, unknown[]>> {
  const relay = t.app.get(AuditRelay);
  await relay.idle();
  let previous = await databaseSnapshot(t);
  for (let attempt = 0; attempt < 40; attempt++) {
    await sleep(100);
    await relay.idle();
    const current = await databaseSnapshot(t);
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  return previous;
}

/** Runs `request` and asserts the database is exactly as before it (background work included). */
export async function expectNothingWritten<T>(t: TestApp, request: () => Promise<T>): Promise<T> {
  const before = await settledSnapshot(t);
  const result = await request();
  expect(await settledSnapshot(t)).toEqual(before);
  return result;
}

export async function auditEvents(t: TestApp, adminToken: string, query: Record<string, string | number> = {}) {
  return t.http().get(`${AUDIT}`).query({ per_page: 100, ...query }).set(bearer(adminToken));
}

export async function historyOf(t: TestApp, token: string, phone: string, query: Record<string, string | number> = {}) {
  return t.http().get(`${phonePath(phone)}/history`).query({ per_page: 100, ...query }).set(bearer(token));
}
