import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { OPENAPI_FILE } from '../support/openapi-validator';
import { Breach, Schema, SchemaArbitraries } from '../support/schema-arbitrary';
import { ADMIN, startTestApp, TestApp } from '../support/test-app';

/**
 * Every operation of the committed document, fuzzed from its own schemas (fixed seed, so every
 * run sends the same requests): valid inputs never get a 422 (or 400/413/415) unless a business
 * rule documented for the operation applies, and an input that breaks one schema constraint gets
 * a 4xx the operation documents. Every response is also checked against the document (t.http()).
 */
const SEED = 20261201;
const VALID_RUNS = 16;
const BREACH_RUNS = 1;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  deprecated?: boolean;
  schema: Schema;
  style?: string;
  explode?: boolean;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
}
interface Request {
  method: string;
  path: Record<string, string>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body?: unknown;
}

const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const schemas = new SchemaArbitraries(document);

/** Phones of customers created afresh for each operation (the last one suspended), so that valid inputs also reach the success paths. */
const KNOWN_PHONES = ['5550100001', '5550100002', '5550100003', '5550100004'];
const KNOWN_USER = 'fuzz.clerk';

/**
 * Business rules documented for an operation that may refuse a schema-valid input with a 422.
 * listAuditEvents, listAccessLog: "since after until" (their 422 descriptions).
 */
const sinceAfterUntil = ({ query }: Request) =>
  typeof query.since === 'string' && typeof query.until === 'string' && rangeIsReversed(query.since, query.until);
const DOCUMENTED_422: Record<string, (request: Request) => boolean> = {
  listAuditEvents: sinceAfterUntil,
  listAccessLog: sinceAfterUntil,
};

function rangeIsReversed(since: string, until: string): boolean {
  const start = Date.parse(since);
  // A plain `until` date covers its whole day.
  const end = /T/.test(until) ? Date.parse(until) : Date.parse(until) + 86_399_999;
  return start > end;
}

/** Operations that end or restrict the session the run acts with: not fuzzed here (their own suites cover them). */
const SESSION_ENDING = new Set(['logout', 'changeOwnPassword']);

const operations = Object.entries(document.paths)
  .flatMap(([template, item]) => Object.entries(item).map(([method, operation]) => ({ template, method, operation })))
  .filter(({ operation }) => !SESSION_ENDING.has(operation.operationId));

/** Values the document's schemas accept, biased towards the customers and user the run created. */
function parameterArbitrary(parameter: Parameter): fc.Arbitrary<unknown> {
  const generated = schemas.valid(parameter.schema);
  if (parameter.in === 'path' && parameter.name === 'phone') return fc.oneof(fc.constantFrom(...KNOWN_PHONES), generated);
  // Never the admin the run acts as: a new password or a demotion would end the run's token.
  if (parameter.in === 'path' && parameter.name === 'username')
    return fc.oneof(fc.constant(KNOWN_USER), generated.filter((name) => String(name).trim().toLowerCase() !== ADMIN.username));
  return generated;
}

/** A header value must be visible ASCII; the document's patterns allow other blanks (trimmed by HTTP anyway). */
const headerSafe = (value: unknown) => typeof value !== 'string' || /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value);

function validRequests(method: string, operation: Operation): fc.Arbitrary<Request> {
  const parameters = (operation.parameters ?? []).filter((parameter) => !parameter.deprecated);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of parameters) {
    const arbitrary = parameterArbitrary(parameter);
    model[`${parameter.in}:${parameter.name}`] = parameter.in === 'header' ? arbitrary.filter(headerSafe) : arbitrary;
  }
  const required = parameters.filter((p) => p.required).map((p) => `${p.in}:${p.name}`);
  const body = operation.requestBody?.content['application/json']?.schema;
  return fc
    .tuple(fc.record(model, { requiredKeys: required }), body ? schemas.valid(body) : fc.constant(undefined))
    .map(([values, bodyValue]) => toRequest(method, values, bodyValue));
}

function toRequest(method: string, values: Record<string, unknown>, body: unknown): Request {
  const request: Request = { method, path: {}, query: {}, headers: {}, body };
  for (const [key, value] of Object.entries(values)) {
    const [where, name] = key.split(/:(.*)/s);
    if (where === 'path') request.path[name] = String(value);
    if (where === 'query') request.query[name] = value;
    if (where === 'header') request.headers[name] = String(value);
  }
  return request;
}

/** Requests that each break one constraint of one parameter or of the body. */
function breakingRequests(method: string, operation: Operation): { constraint: string; request: fc.Arbitrary<Request> }[] {
  const valid = validRequests(method, operation);
  const cases: { constraint: string; request: fc.Arbitrary<Request> }[] = [];
  for (const parameter of operation.parameters ?? []) {
    for (const breach of schemas.breaking(parameter.schema)) {
      const [broken] = fc.sample(breach, { seed: SEED, numRuns: 1 });
      if (!breakable(parameter, broken)) continue;
      cases.push({
        constraint: `${parameter.in} ${parameter.name}`,
        request: valid.map((request) => withBreach(request, parameter, broken)),
      });
    }
  }
  const body = operation.requestBody?.content['application/json']?.schema;
  if (body) {
    for (const breach of schemas.breaking(body)) {
      cases.push({ constraint: 'body', request: fc.tuple(valid, breach).map(([request, broken]) => ({ ...request, body: broken.value, breach: broken.constraint })) });
    }
  }
  return cases;
}

/**
 * What a URL or header can carry: query and path values are text, so a breach of `type: string`,
 * `nullable` or an object shape cannot be sent there; a header must stay sendable; a path
 * segment must not be empty (that is another route).
 */
function breakable(parameter: Parameter, breach: Breach): boolean {
  if (breach.value === null || typeof breach.value === 'object' && !Array.isArray(breach.value)) return false;
  if (breach.constraint === 'type: string') return false;
  if (parameter.in === 'path' && String(breach.value) === '') return false;
  if (parameter.in === 'header') return headerSafe(breach.value);
  return true;
}

function withBreach(request: Request, parameter: Parameter, breach: Breach): Request & { breach: string } {
  const copy = { ...request, path: { ...request.path }, query: { ...request.query }, headers: { ...request.headers } };
  const value = breach.value;
  if (parameter.in === 'path') copy.path[parameter.name] = String(value);
  if (parameter.in === 'query') copy.query[parameter.name] = value;
  if (parameter.in === 'header') copy.headers[parameter.name] = String(value);
  return { ...copy, breach: `${parameter.in} ${parameter.name}: ${breach.constraint}` };
}

function urlOf(template: string, request: Request): string {
  const path = template.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(request.path[name]));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    // Lists are form-style, not exploded (style: form, explode: false): status=active,banned
    query.append(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

describe('the document, fuzzed against the service (fixed seed)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    await ensureKnownCustomers('');
    await t
      .http()
      .post('/api/v1/auth/users')
      .set('Authorization', `Bearer ${token}`)
      .send({ username: KNOWN_USER, password: 'fuzz-clerk-password', role: 'staff' })
      .expect(201);
  });
  afterAll(() => t.close());

  /** The known customers, afresh (active, no loans) for each operation: earlier ones archived or moved them. */
  async function ensureKnownCustomers(operationId: string): Promise<void> {
    await t.connection.db!.collection('customers').deleteMany({ phone_number: { $in: KNOWN_PHONES } });
    for (const phone of KNOWN_PHONES) {
      await t.http().post('/api/v1/customer').set('Authorization', `Bearer ${token}`).send({ phone_number: phone, first_name: 'Fuzz', last_name: 'Target' }).expect(201);
    }
    // One suspended, so that reactivate has a customer to apply to; all of them when reactivate is
    // the operation fuzzed, so that its valid inputs reach its success path whichever known phone they pick.
    for (const phone of operationId === 'reactivateCustomer' ? KNOWN_PHONES : [KNOWN_PHONES[3]]) {
      await t
        .http()
        .post(`/api/v1/customer/${phone}/suspend`)
        .set('Authorization', `Bearer ${token}`)
        .send({ reason: 'Fuzz target' })
        .expect(200);
    }
  }

  async function send(template: string, request: Request): Promise<{ status: number; body: unknown }> {
    const agent = t.http();
    const method = request.method as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let call = agent[method](urlOf(template, request)).set('Authorization', `Bearer ${token}`);
    for (const [name, value] of Object.entries(request.headers)) call = call.set(name, value);
    if (request.body !== undefined) call = call.set('Content-Type', 'application/json').send(JSON.stringify(request.body));
    // The agent checks the response against the document; a violation rejects.
    const res = await call;
    return { status: res.status, body: res.body };
  }

  const describeRequest = (template: string, request: Request) =>
    `${request.method.toUpperCase()} ${urlOf(template, request)} headers=${JSON.stringify(request.headers)} body=${JSON.stringify(request.body)}`;

  it('never refuses a valid input as invalid (422, 400, 413, 415) unless a documented rule applies', async () => {
    const failures: string[] = [];
    const succeeded = new Set<string>();
    let sent = 0;
    for (const [index, { template, method, operation }] of operations.entries()) {
      await ensureKnownCustomers(operation.operationId);
      const requests = fc.sample(validRequests(method, operation), { seed: SEED + index, numRuns: VALID_RUNS });
      for (const request of requests) {
        sent++;
        try {
          const { status, body } = await send(template, request);
          if (status < 300) succeeded.add(operation.operationId);
          const refusedAsInvalid = [400, 413, 415, 422].includes(status);
          if (refusedAsInvalid && !(status === 422 && DOCUMENTED_422[operation.operationId]?.(request)))
            failures.push(`${operation.operationId}: ${describeRequest(template, request)} → ${status} ${JSON.stringify(body)}`);
          if (status >= 500) failures.push(`${operation.operationId}: ${describeRequest(template, request)} → ${status}`);
        } catch (error) {
          failures.push(`${operation.operationId}: ${describeRequest(template, request)} → ${(error as Error).message}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(operations.length * VALID_RUNS - 1);
    expect(failures).toEqual([]);
    // Valid inputs reach the success path of every operation but those that need a secret no
    // schema can generate: a password (login) or an authenticator's current code (the MFA steps).
    expect(operations.map(({ operation }) => operation.operationId).filter((id) => !succeeded.has(id))).toEqual([
      'login',
      'loginWithCode',
      'confirmMfa',
    ]);
  });

  it('answers an input that breaks one schema constraint with a 4xx the operation documents', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const [index, { template, method, operation }] of operations.entries()) {
      for (const [caseIndex, { request: arbitrary }] of breakingRequests(method, operation).entries()) {
        const requests = fc.sample(arbitrary, { seed: SEED + index * 1000 + caseIndex, numRuns: BREACH_RUNS });
        for (const request of requests as (Request & { breach: string })[]) {
          sent++;
          try {
            const { status, body } = await send(template, request);
            const documented = Object.keys(operation.responses).includes(String(status));
            if (status < 400 || status >= 500 || !documented)
              failures.push(`${operation.operationId} [${request.breach}]: ${describeRequest(template, request)} → ${status} ${JSON.stringify(body).slice(0, 200)}`);
          } catch (error) {
            failures.push(`${operation.operationId} [${request.breach}]: ${describeRequest(template, request)} → ${(error as Error).message.slice(0, 400)}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
