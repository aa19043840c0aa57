import { bearer, Exchange, send } from './support/http';
import { assertProblem } from './support/problem';
import { DiscoveredRoute, discoverRoutes, fillPath, routeKey } from './support/routes';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Who may call what, from the SPEC's endpoint tables. The matrix below is generated from the
 * routes Nest registered; this table only pins the SPEC's intent, so that a route whose @Roles
 * drifts (or a new route nobody classified) fails here.
 */
const SPEC_ACCESS: Record<string, 'public' | 'staff' | 'admin'> = {
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/login/mfa': 'public',
  'GET /api/v1/auth/me': 'staff',
  'POST /api/v1/auth/logout': 'staff',
  'POST /api/v1/auth/password': 'staff',
  'POST /api/v1/auth/mfa/enrol': 'staff',
  'POST /api/v1/auth/mfa/confirm': 'staff',
  'DELETE /api/v1/auth/users/:username/mfa': 'admin',
  'POST /api/v1/auth/users': 'admin',
  'GET /api/v1/auth/users': 'admin',
  'PATCH /api/v1/auth/users/:username': 'admin',
  'POST /api/v1/customer': 'staff',
  'GET /api/v1/customer': 'staff',
  'GET /api/v1/customer/stats': 'admin',
  'GET /api/v1/customer/:phone': 'staff',
  'PUT /api/v1/customer/:phone': 'staff',
  'POST /api/v1/customer/:phone/suspend': 'admin',
  'POST /api/v1/customer/:phone/ban': 'admin',
  'POST /api/v1/customer/:phone/reactivate': 'admin',
  'POST /api/v1/customer/:phone/deactivate': 'admin',
  'POST /api/v1/customer/:phone/archive': 'admin',
  'POST /api/v1/customer/:phone/transactions': 'staff',
  'GET /api/v1/customer/:phone/history': 'staff',
  'GET /api/v1/audit': 'admin',
  'GET /api/v1/access-log': 'admin',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
};

const isLogout = (route: DiscoveredRoute) => routeKey(route) === 'POST /api/v1/auth/logout';

type Caller = 'no token' | 'staff' | 'admin' | 'disabled user';
const CALLERS: Caller[] = ['no token', 'staff', 'admin', 'disabled user'];

/** What the guards must answer, derived from the route's own metadata. */
function expectation(route: DiscoveredRoute, caller: Caller): 'allowed' | 401 | 403 {
  if (route.isPublic) return 'allowed';
  if (caller === 'no token' || caller === 'disabled user') return 401;
  if (caller === 'admin') return 'allowed';
  return route.roles?.includes('staff') ? 'allowed' : 403;
}

describe('role matrix (generated from the route metadata)', () => {
  let t: TestApp;
  let baseUrl: string;
  let routes: DiscoveredRoute[];
  const tokens: Partial<Record<Caller, string>> = {};
  const params = { phone: '5550001111', username: 'matrix.target' };

  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = await t.listen();
    // Logout revokes the token it is called with: last, so that it ends no token still needed.
    routes = discoverRoutes(t.app).sort((a, b) => Number(isLogout(a)) - Number(isLogout(b)));
    tokens.admin = await t.adminToken();
    tokens.staff = await t.userToken('staff', 'matrix.staff');
    // A disabled *admin*: the strongest token there is, switched off after it was issued.
    tokens['disabled user'] = await t.userToken('admin', 'matrix.disabled');
    await t.userToken('staff', params.username);
    const disable = await send(baseUrl, 'PATCH', '/api/v1/auth/users/matrix.disabled', {
      headers: bearer(tokens.admin),
      body: { active: false },
    });
    expect(disable.status).toBe(200);
    const create = await send(baseUrl, 'POST', '/api/v1/customer', {
      headers: bearer(tokens.admin),
      body: { phone_number: params.phone, first_name: 'Matrix', last_name: 'Customer' },
    });
    expect(create.status).toBe(201);
  });
  afterAll(() => t?.close());

  it('discovers the routes the router actually serves', () => {
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(SPEC_ACCESS).length);
    const fastify = t.app.getHttpAdapter().getInstance();
    for (const route of routes) {
      expect({ route: routeKey(route), registered: fastify.hasRoute({ method: route.method as 'GET', url: route.path }) }).toEqual({
        route: routeKey(route),
        registered: true,
      });
    }
  });

  it('declares roles on every route that is not @Public (a forgotten @Roles fails here)', () => {
    const undeclared = routes.filter((r) => !r.isPublic && !(r.roles && r.roles.length > 0)).map(routeKey);
    expect(undeclared).toEqual([]);
  });

  it("gives every route exactly the SPEC's audience", () => {
    const declared = Object.fromEntries(
      routes.map((r) => [routeKey(r), r.isPublic ? 'public' : r.roles?.includes('staff') ? 'staff' : r.roles?.includes('admin') ? 'admin' : 'none']),
    );
    const unclassified = Object.keys(declared).filter((key) => !(key in SPEC_ACCESS));
    expect({ unclassified, note: 'add new routes to SPEC_ACCESS with their SPEC audience' }).toEqual({
      unclassified: [],
      note: expect.any(String),
    });
    expect(declared).toEqual(SPEC_ACCESS);
  });

  it('answers every route × {no token, staff, admin, disabled user} as the metadata says', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes) {
      for (const caller of CALLERS) {
        const token = tokens[caller as Exclude<Caller, 'no token'>];
        // An empty JSON body: guards run before validation, and an allowed call then stops at a 422.
        const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
        const res: Exchange = await send(baseUrl, route.method, fillPath(route.path, params), {
          headers: token ? bearer(token) : {},
          body: hasBody ? {} : undefined,
        });
        const want = expectation(route, caller);
        const ok = want === 'allowed' ? res.status !== 401 && res.status !== 403 && res.status > 0 && res.status < 500 : res.status === want;
        if (!ok) mismatches.push(`${routeKey(route)} as ${caller}: expected ${want}, got ${res.status} ${res.error ?? res.text.slice(0, 120)}`);
        if (typeof want === 'number' && res.status === want) assertProblem(res, want);
        if (want === 401 && res.status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        checked += 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(routes.length * CALLERS.length);
  });
});
