import { connect, Socket } from 'node:net';
import { bearer, send } from './support/http';
import { assertProblem } from './support/problem';
import { startTestApp, TestApp } from '../support/test-app';

const REQUEST_TIMEOUT_MS = 1500;
const BODY_LIMIT = 16 * 1024;

/**
 * Opens a raw connection, sends `head` at once and then one byte per second of `drip`, and
 * reports when (and whether) the server cut the connection off and what it had answered.
 */
function slowDrip(baseUrl: string, head: string, drip: string, giveUpMs: number): Promise<{ closedAfterMs?: number; sent: number; answer: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (closedAfterMs?: number) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs, sent, answer });
    };
    const giveUp = setTimeout(() => done(undefined), giveUpMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => done(Date.now() - started));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < drip.length && !socket.destroyed) socket.write(drip[sent++]);
      }, 1000);
    });
  });
}

describe('resource limits', () => {
  let t: TestApp;
  let baseUrl: string;
  let token: string;
  const phone = '5550004444';

  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = await t.listen();
    token = await t.adminToken();
    const created = await send(baseUrl, 'POST', '/api/v1/customer', {
      headers: bearer(token),
      body: { phone_number: phone, first_name: 'Limit', last_name: 'Tester' },
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => t?.close());

  describe('per_page is capped at 100 on every paginated endpoint', () => {
    it.each(['/api/v1/customer', `/api/v1/customer/${phone}/history`, '/api/v1/audit'])('%s', async (path) => {
      expect((await send(baseUrl, 'GET', `${path}?per_page=100`, { headers: bearer(token) })).status).toBe(200);
      const res = await send(baseUrl, 'GET', `${path}?per_page=101`, { headers: bearer(token) });
      assertProblem(res, 422);
      expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('per_page');
    });
  });

  describe('bodies are capped at 16 KiB', () => {
    const bodyOf = (size: number) => {
      const frame = JSON.stringify({ phone_number: '5550005555', first_name: 'Big', last_name: 'Body', notes: '' });
      return Buffer.from(frame.replace('"notes":""', `"notes":"${'n'.repeat(size - frame.length)}"`));
    };

    it('answers 16 KiB + 1 with a 413 problem, and writes nothing', async () => {
      const res = await send(baseUrl, 'POST', '/api/v1/customer', {
        headers: { ...bearer(token), 'Content-Type': 'application/json' },
        body: bodyOf(BODY_LIMIT + 1),
      });
      assertProblem(res, 413);
      expect((await send(baseUrl, 'GET', '/api/v1/customer/5550005555', { headers: bearer(token) })).status).toBe(404);
    });

    it('reads exactly 16 KiB (and then validates it: notes are capped lower)', async () => {
      const res = await send(baseUrl, 'POST', '/api/v1/customer', {
        headers: { ...bearer(token), 'Content-Type': 'application/json' },
        body: bodyOf(BODY_LIMIT),
      });
      assertProblem(res, 422);
    });

    it('refuses a body over the cap before authentication (login, no token)', async () => {
      const res = await send(baseUrl, 'POST', '/api/v1/auth/login', {
        body: { username: 'someone', password: 'p'.repeat(BODY_LIMIT) },
      });
      assertProblem(res, 413);
    });

    it('refuses a lying Content-Length bigger than the cap without reading it', async () => {
      const res = await send(baseUrl, 'POST', '/api/v1/auth/login', {
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024) },
        body: '{}',
        timeoutMs: 10_000,
      });
      assertProblem(res, 413);
      expect((await send(baseUrl, 'GET', '/health/live')).status).toBe(200);
    });
  });

  it('caps search at 100 characters', async () => {
    const ok = await send(baseUrl, 'GET', `/api/v1/customer?search=${'a'.repeat(100)}`, { headers: bearer(token) });
    expect(ok.status).toBe(200);
    const res = await send(baseUrl, 'GET', `/api/v1/customer?search=${'a'.repeat(101)}`, { headers: bearer(token) });
    assertProblem(res, 422);
    expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('search');
  });

  it('caps other free-text inputs: names, notes, reasons', async () => {
    const long = (n: number) => 'x'.repeat(n);
    const cases = [
      ['POST', '/api/v1/customer', { phone_number: '5550006666', first_name: long(101), last_name: 'L' }],
      ['PUT', `/api/v1/customer/${phone}`, { notes: long(2001) }],
      ['POST', `/api/v1/customer/${phone}/suspend`, { reason: long(501) }],
    ] as const;
    for (const [method, path, body] of cases) assertProblem(await send(baseUrl, method, path, { headers: bearer(token), body }), 422);
  });

  it('answers a URL over the HTTP header limit at the transport level, and stays up', async () => {
    const res = await send(baseUrl, 'GET', `/api/v1/customer?search=${'a'.repeat(20_000)}`, { headers: bearer(token) });
    expect([0, 414, 431]).toContain(res.status);
    expect((await send(baseUrl, 'GET', '/health/live')).status).toBe(200);
  });

  describe('login throttle: 5 failures for one username in 15 minutes, then 429', () => {
    it('answers the 6th attempt (even with the right password) with 429 and Retry-After', async () => {
      await t.userToken('staff', 'throttle.victim');
      const attempt = (password: string) => send(baseUrl, 'POST', '/api/v1/auth/login', { body: { username: 'throttle.victim', password } });
      for (let i = 1; i <= 5; i++) assertProblem(await attempt(`wrong-password-${i}`), 401);
      const blocked = await attempt('wrong-password-6');
      assertProblem(blocked, 429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      assertProblem(await attempt('throttle.victim-password-long'), 429);
    });

    it('counts concurrent failures too (no race lets a 6th guess through)', async () => {
      await t.userToken('staff', 'throttle.racer');
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => send(baseUrl, 'POST', '/api/v1/auth/login', { body: { username: 'throttle.racer', password: `wrong-${i}` } })),
      );
      expect(results.map((res) => res.status || res.error).filter((s) => s !== 401 && s !== 429)).toEqual([]);
      const after = await send(baseUrl, 'POST', '/api/v1/auth/login', { body: { username: 'throttle.racer', password: 'throttle.racer-password-long' } });
      assertProblem(after, 429);
    });

    it('throttles one username without locking out the others', async () => {
      expect((await send(baseUrl, 'POST', '/api/v1/auth/login', { body: { username: t.config.admin.username, password: t.config.admin.password } })).status).toBe(200);
    });
  });

  // Last: it starts a second app, and passport's strategy is process-wide (see test-app.ts).
  describe(`slow-drip requests are cut off by the request timeout (REQUEST_TIMEOUT_MS=${REQUEST_TIMEOUT_MS})`, () => {
    // Node checks request deadlines periodically, so allow a few seconds beyond the timeout.
    const CUT_OFF_WITHIN_MS = REQUEST_TIMEOUT_MS + 5_000;
    // Its own app: the timeout also closes idle sockets, which a short one makes hard on slow logins.
    let dripUrl: string;
    let dripApp: TestApp;
    beforeAll(async () => {
      dripApp = await startTestApp({ REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
      dripUrl = await dripApp.listen();
    });
    afterAll(() => dripApp?.close());

    it('a body sent one byte per second', async () => {
      const head =
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{';
      const result = await slowDrip(dripUrl, head, '"username":"someone","password":"x"'.padEnd(199, ' '), 30_000);
      expect(result.closedAfterMs).toBeDefined();
      expect(result.closedAfterMs!).toBeLessThan(CUT_OFF_WITHIN_MS);
      expect(result.sent).toBeLessThan(199);
      if (result.answer) expect(result.answer).toMatch(/^HTTP\/1\.1 (408|400)/);
    });

    it('headers sent one byte per second', async () => {
      const result = await slowDrip(dripUrl, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: ' + 'a'.repeat(60), 30_000);
      expect(result.closedAfterMs).toBeDefined();
      expect(result.closedAfterMs!).toBeLessThan(CUT_OFF_WITHIN_MS);
      expect(result.answer).not.toMatch(/^HTTP\/1\.1 200/);
    });

    it('leaves the service answering normally', async () => {
      expect((await send(dripUrl, 'GET', '/health/ready')).status).toBe(200);
    });
  });

});
