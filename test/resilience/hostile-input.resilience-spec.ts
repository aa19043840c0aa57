import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { RESILIENCE } from './support/env';
import { hostileBody, hostilePathSegment, hostileQuery, JsonTree } from './support/hostile';
import { bearer, Exchange, send, sleep } from './support/http';
import { problemViolation } from './support/problem';
import { DiscoveredRoute, discoverRoutes, fillPath, routeKey } from './support/routes';
import { startTestApp, TestApp } from '../support/test-app';

const PHONE = '5550002222';
const TARGET_USER = 'fuzz.target';

/** A valid body per route, so that poisoning one field reaches past "required field missing". */
const VALID_BODIES: Record<string, Record<string, JsonTree>> = {
  'POST /api/v1/auth/login': { username: 'fuzz.nobody', password: 'not-the-password' },
  'POST /api/v1/auth/users': { username: 'fuzz.created', password: 'a-long-enough-password', role: 'staff' },
  'PATCH /api/v1/auth/users/:username': { role: 'staff' },
  'POST /api/v1/customer': { phone_number: '5550003333', first_name: 'Fuzz', last_name: 'Created', email: 'f@example.com', notes: 'n' },
  'PUT /api/v1/customer/:phone': { first_name: 'Fuzzed', email: 'g@example.com' },
  'POST /api/v1/customer/:phone/transactions': { type: 'purchase' },
};
const VALID_QUERIES: Record<string, string[]> = {
  'GET /api/v1/customer': ['search', 'status', 'sort_by', 'sort_order'],
  'GET /api/v1/audit': ['action', 'actor', 'phone', 'since', 'until'],
  'GET /api/v1/access-log': ['actor', 'phone', 'since', 'until'],
};
const validBodyFor = (route: DiscoveredRoute) =>
  VALID_BODIES[routeKey(route)] ?? (/\/(suspend|ban|reactivate|deactivate|archive)$/.test(route.path) ? { reason: 'a valid reason' } : {});

/** What a hostile request may write to: everything but the login throttle's bookkeeping. */
const GUARDED_COLLECTIONS = ['customers', 'audit_events', 'users', 'idempotency_records'];

interface HostileRequest {
  method: string;
  path: string;
  contentType?: string;
  payload?: Buffer;
  note: string;
}

describe('hostile input: never a 5xx, always a problem document, nothing written on a 4xx', () => {
  let t: TestApp;
  let baseUrl: string;
  let token: string;
  let routes: DiscoveredRoute[];
  let settledHash: string;

  async function contentHash(): Promise<string> {
    const hash = createHash('sha256');
    for (const name of GUARDED_COLLECTIONS) {
      const docs = await t.connection.db!.collection(name).find({}).toArray();
      hash.update(name);
      for (const doc of docs.map((d) => JSON.stringify(d)).sort()) hash.update(doc);
    }
    return hash.digest('hex');
  }

  /** The hash once background work (the audit relay after a successful write) has finished. */
  async function settle(): Promise<string> {
    let previous = await contentHash();
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      const current = await contentHash();
      if (current === previous) return current;
      previous = current;
    }
    return previous;
  }

  /** Sends one hostile request and returns why it broke a guarantee (undefined when it did not). */
  async function violation(request: HostileRequest): Promise<string | undefined> {
    const headers: Record<string, string> = { ...bearer(token) };
    if (request.contentType) headers['Content-Type'] = request.contentType;
    const res: Exchange = await send(baseUrl, request.method, request.path, { headers, body: request.payload, timeoutMs: 20_000 });
    if (res.status === 0) return `no response: ${res.error}`;
    if (!res.headers['x-request-id']) return `${res.status} without X-Request-Id`;
    if (res.status >= 500) return `${res.status} ${res.text.slice(0, 300)}`;
    if (res.status >= 400) {
      const problem = problemViolation(res);
      if (problem) return `${res.status}: ${problem}: ${res.text.slice(0, 200)}`;
      const after = await contentHash();
      if (after !== settledHash) {
        settledHash = await settle();
        return `${res.status} ${(res.body as { code?: string }).code} but the database changed`;
      }
    } else {
      settledHash = await settle();
    }
    return undefined;
  }

  /** Runs the property on every route it applies to; collects the shrunk counterexamples. */
  async function fuzz(applies: (route: DiscoveredRoute) => boolean, requests: (route: DiscoveredRoute) => fc.Arbitrary<HostileRequest>) {
    const failures: string[] = [];
    let runs = 0;
    for (const route of routes.filter(applies)) {
      const result = await fc.check(
        fc.asyncProperty(requests(route), async (request) => {
          runs += 1;
          const why = await violation(request);
          if (why) throw new Error(why);
        }),
        { numRuns: RESILIENCE.fuzzRuns, seed: RESILIENCE.fuzzSeed, endOnFailure: false, maxSkipsPerRun: 0, markInterruptAsFailure: true, interruptAfterTimeLimit: 60_000 },
      );
      if (result.failed) {
        const example = result.counterexample?.[0] as HostileRequest | undefined;
        const shown = example && { ...example, payload: example.payload && example.payload.toString('utf8').slice(0, 200) };
        failures.push(
          `${routeKey(route)} (seed ${result.seed}): ${String((result.errorInstance as Error | undefined)?.message ?? "property failed").slice(0, 400)}\n    ${JSON.stringify(shown)}`,
        );
      }
    }
    return { failures, runs };
  }

  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = await t.listen();
    // Logout's only input is the token it revokes: fuzzing it would end the fuzzer's own session
    // (test/auth/logout.e2e-spec.ts covers it).
    routes = discoverRoutes(t.app).filter((route) => routeKey(route) !== 'POST /api/v1/auth/logout');
    token = await t.adminToken();
    await t.userToken('staff', TARGET_USER);
    const created = await send(baseUrl, 'POST', '/api/v1/customer', {
      headers: bearer(token),
      body: { phone_number: PHONE, first_name: 'Fuzz', last_name: 'Target' },
    });
    expect(created.status).toBe(201);
    settledHash = await settle();
  });
  afterAll(() => t?.close());

  const params = { phone: PHONE, username: TARGET_USER };

  it('bodies: operators, pollution keys, huge strings, deep nesting, wrong types, Unicode, invalid UTF-8', async () => {
    const { failures, runs } = await fuzz(
      (route) => ['POST', 'PUT', 'PATCH'].includes(route.method),
      (route) =>
        hostileBody(validBodyFor(route)).map(({ contentType, payload, note }) => ({
          method: route.method,
          path: fillPath(route.path, params),
          contentType,
          payload,
          note,
        })),
    );
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(0);
  });

  it('path parameters: hostile text, broken percent escapes, over-long values', async () => {
    const { failures, runs } = await fuzz(
      (route) => route.path.includes(':'),
      (route) =>
        hostilePathSegment.map((segment) => ({
          method: route.method,
          path: route.path.replace(/:(\w+)/g, () => segment),
          ...(['POST', 'PUT', 'PATCH'].includes(route.method)
            ? { contentType: 'application/json', payload: Buffer.from(JSON.stringify(validBodyFor(route))) }
            : {}),
          note: 'path',
        })),
    );
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(0);
  });

  it('query strings: operator brackets, pollution keys, hostile values', async () => {
    const { failures, runs } = await fuzz(
      () => true,
      (route) =>
        hostileQuery(VALID_QUERIES[routeKey(route)] ?? []).map((query) => ({
          method: route.method,
          path: `${fillPath(route.path, params)}?${query}`,
          ...(['POST', 'PUT', 'PATCH'].includes(route.method)
            ? { contentType: 'application/json', payload: Buffer.from(JSON.stringify(validBodyFor(route))) }
            : {}),
          note: 'query',
        })),
    );
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(0);
  });

  it('never lets an operator through as a query: {"$gt": ""} and search[$ne] are 422', async () => {
    const create = await send(baseUrl, 'POST', '/api/v1/customer', {
      headers: bearer(token),
      body: { phone_number: { $gt: '' }, first_name: 'A', last_name: 'B' },
    });
    expect(create.status).toBe(422);
    for (const query of ['search[$ne]=x', 'status[$ne]=archived', 'search[$regex]=.*', '__proto__[status]=x', 'constructor[prototype][x]=1']) {
      const res = await send(baseUrl, 'GET', `/api/v1/customer?${query}`, { headers: bearer(token) });
      expect({ query, status: res.status }).toEqual({ query, status: 422 });
    }
    const login = await send(baseUrl, 'POST', '/api/v1/auth/login', { body: { username: t.config.admin.username, password: { $ne: '' } } });
    expect(login.status).toBe(422);
  });

  it('leaves no polluted prototype behind, and the admin can still work', async () => {
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const me = await send(baseUrl, 'GET', '/api/v1/auth/me', { headers: bearer(token) });
    expect(me.status).toBe(200);
  });
});
