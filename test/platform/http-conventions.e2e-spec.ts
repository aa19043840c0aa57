import { connect } from 'node:net';
import { expectNoLeak, expectProblem } from './problem-assertions';
import { ADMIN, TestApp, useTestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BODY_LIMIT = 16 * 1024;

describe('platform conventions', () => {
  let t: TestApp;
  useTestApp((app) => (t = app));

  describe('X-Request-Id', () => {
    it('echoes a sane request id', async () => {
      const res = await t
        .http()
        .get('/health/live')
        .set('X-Request-Id', 'client-trace.42:abc_DEF')
        .expect(200);
      expect(res.headers['x-request-id']).toBe('client-trace.42:abc_DEF');
    });

    it('generates one when the request has none', async () => {
      const first = await t.http().get('/health/live').expect(200);
      const second = await t.http().get('/health/live').expect(200);
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(second.headers['x-request-id']).toMatch(UUID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });

    it.each([
      ['300 characters long', 'a'.repeat(300)],
      ['with spaces', 'my request id'],
      ['with markup', '<script>alert(1)</script>'],
      ['with quotes', 'id"},"admin":true'],
    ])('replaces one %s with a generated one', async (_why, id) => {
      const res = await t.http().get('/health/live').set('X-Request-Id', id).expect(200);
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it('is the request_id of a problem document, echoed or generated', async () => {
      const echoed = await t.http().get('/api/v1/auth/me').set('X-Request-Id', 'trace-401');
      expectProblem(echoed, 401);
      expect(echoed.body.request_id).toBe('trace-401');

      const generated = await t.http().get('/api/v1/auth/me').set('X-Request-Id', 'not sane');
      expectProblem(generated, 401);
      expect(generated.body.request_id).toMatch(UUID);
      expect(generated.body.request_id).toBe(generated.headers['x-request-id']);
    });

    it('is on every kind of response', async () => {
      const token = await t.adminToken();
      const responses = await Promise.all([
        t.http().get('/health/ready'),
        t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`),
        t.http().post('/api/v1/auth/login').send(ADMIN),
        t.http().get('/api/v1/nowhere'),
        t
          .http()
          .post('/api/v1/auth/login')
          .set('Content-Type', 'application/json')
          .send('{"username":'),
        t
          .http()
          .post('/api/v1/auth/login')
          .send({ username: 'x'.repeat(BODY_LIMIT + 1), password: 'x' }),
        t.http().get('/docs-json'),
      ]);
      for (const res of responses) expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });
  });

  describe('problem documents', () => {
    it('answers malformed JSON with 400', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .set('X-Request-Id', 'trace-400')
        .send('{"username": "admin", "password": ');
      expectProblem(res, 400, 'MALFORMED_REQUEST');
      expect(res.body.request_id).toBe('trace-400');
    });

    it('answers a prototype-polluting JSON body with 400 or 422, never a login', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send(
          `{"username": "${ADMIN.username}", "password": "${ADMIN.password}", "__proto__": {"role": "admin"}}`,
        );
      expect([400, 422]).toContain(res.status);
      expectProblem(res, res.status);
    });

    it('answers a body over 16 KiB with 413', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Request-Id', 'trace-413')
        .send({ username: ADMIN.username, password: 'x'.repeat(BODY_LIMIT) });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(res.body.request_id).toBe('trace-413');
    });

    it('answers a 413 on authenticated routes too, before anything is stored', async () => {
      const token = await t.adminToken();
      const res = await t
        .http()
        .post('/api/v1/auth/users')
        .set('Authorization', `Bearer ${token}`)
        .send({ username: 'big.body', password: 'x'.repeat(BODY_LIMIT), role: 'staff' });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(
        await t.connection.db!.collection('users').findOne({ username: 'big.body' }),
      ).toBeNull();
    });

    it('reads a body just under 16 KiB', async () => {
      const padding = 'x'.repeat(BODY_LIMIT - 100);
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: ADMIN.username, password: padding });
      expectProblem(res, 422, 'VALIDATION_FAILED');
    });

    it('answers an unknown route with 404, with or without a token', async () => {
      const token = await t.adminToken();
      for (const res of [
        await t.http().get('/api/v1/nowhere'),
        await t.http().get('/api/v1/nowhere').set('Authorization', `Bearer ${token}`),
        await t.http().post('/api/v1/auth/nowhere').send({}),
        await t.http().get('/nowhere'),
        await t.http().get('/auth/me'),
      ]) {
        expectProblem(res, 404, 'NOT_FOUND');
        expect(res.body.detail).not.toContain('nowhere');
      }
    });

    it.each([
      ['text/xml', '<login/>'],
      ['text/plain', JSON.stringify(ADMIN)],
      [
        'application/x-www-form-urlencoded',
        `username=${ADMIN.username}&password=${ADMIN.password}`,
      ],
      ['multipart/form-data; boundary=x', '--x--'],
    ])('answers a %s body with 415 UNSUPPORTED_MEDIA_TYPE: bodies are JSON', async (type, body) => {
      const res = await t.http().post('/api/v1/auth/login').set('Content-Type', type).send(body);
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.detail).toMatch(/application\/json/);
    });

    it('answers a badly percent-encoded URL with a 400 problem carrying the request id', async () => {
      for (const path of ['/api/v1/%E0%A4%A', '/api/v1/auth/users/%ZZ', '/health/%E0']) {
        const res = await t.http().get(path).set('X-Request-Id', 'trace-bad-url');
        expectProblem(res, 400, 'MALFORMED_REQUEST');
        expect(res.body.request_id).toBe('trace-bad-url');
        expect(res.text).not.toContain('%');
      }
    });

    it('answers an over-long path parameter with a 422 problem', async () => {
      const token = await t.adminToken();
      const res = await t
        .http()
        .patch(`/api/v1/auth/users/${'a'.repeat(300)}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ active: false });
      expectProblem(res, 422, 'VALIDATION_FAILED');
      expect(res.text).not.toContain('a'.repeat(100));
    });

    it('serves every error as application/problem+json without stack traces', async () => {
      const token = await t.userToken('staff');
      const errors = await Promise.all([
        t.http().get('/api/v1/auth/me').set('Authorization', 'Bearer garbage'),
        t.http().get('/api/v1/auth/users').set('Authorization', `Bearer ${token}`),
        t
          .http()
          .post('/api/v1/auth/login')
          .send({ username: ADMIN.username, password: 'wrong-password' }),
        t
          .http()
          .post('/api/v1/auth/login')
          .send({ username: ['a'], password: null }),
        t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{{{'),
        t.http().delete('/api/v1/auth/me').set('Authorization', `Bearer ${token}`),
      ]);
      for (const res of errors) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expectProblem(res, res.status);
        expect(res.status).toBeLessThan(500);
      }
    });
  });

  describe("the HTTP parser's errors", () => {
    let baseUrl: URL;
    beforeAll(async () => (baseUrl = new URL(await t.listen())));

    /** Sends raw bytes and returns the whole answer (the server closes the connection). */
    function raw(request: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const socket = connect(Number(baseUrl.port), baseUrl.hostname, () => socket.end(request));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    }

    function expectRawProblem(answer: string, status: number, code: string): void {
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
      expect(head).toMatch(/\r\nx-content-type-options: nosniff/i);
      const requestId = /\r\nx-request-id: ([^\r]+)/i.exec(head)?.[1];
      expect(requestId).toMatch(UUID);
      expect(JSON.parse(body)).toEqual({
        type: expect.any(String),
        title: expect.any(String),
        status,
        detail: expect.any(String),
        code,
        request_id: requestId,
      });
    }

    it('answers headers over the limit with a 431 problem document', async () => {
      const answer = await raw(
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expectRawProblem(answer, 431, 'HEADERS_TOO_LARGE');
    });

    it.each([
      [
        'two Content-Length headers',
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      ],
      ['an invalid header name', 'GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'],
      ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
      [
        'an HTTP/1.1 request without Host',
        'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n',
      ],
    ])('answers %s with a 400 problem document', async (_what, request) => {
      expectRawProblem(await raw(request), 400, 'MALFORMED_REQUEST');
    });
  });

  describe('security headers', () => {
    it('sends helmet headers and no X-Powered-By, on successes and errors alike', async () => {
      const responses = [
        await t.http().get('/health/live'),
        await t.http().post('/api/v1/auth/login').send(ADMIN),
        await t.http().get('/api/v1/auth/me'),
        await t.http().get('/api/v1/nowhere'),
        await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{'),
      ];
      for (const res of responses) {
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': expect.any(String),
          'strict-transport-security': expect.stringContaining('max-age='),
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'referrer-policy': expect.any(String),
        });
        expect(res.headers).not.toHaveProperty('x-powered-by');
      }
    });

    it('does not let responses with tokens, personal data or errors be cached', async () => {
      const problem = await t.http().get('/api/v1/auth/me');
      expect(problem.headers['cache-control']).toContain('no-store');
      const login = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
      expect(login.headers['cache-control']).toBe('no-store');
      const users = await t
        .http()
        .get('/api/v1/auth/users')
        .set('Authorization', `Bearer ${login.body.access_token}`)
        .expect(200);
      expect(users.headers['cache-control']).toBe('no-store');
    });
  });

  describe('trailing slash', () => {
    it('means the same path with or without it', async () => {
      const token = await t.adminToken();
      const withSlash = await t
        .http()
        .get('/api/v1/auth/me/')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      const without = await t
        .http()
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(withSlash.body).toEqual(without.body);
      await t.http().post('/api/v1/auth/login/').send(ADMIN).expect(200);
      await t.http().get('/api/v1/auth/users/').set('Authorization', `Bearer ${token}`).expect(200);
      await t
        .http()
        .post('/api/v1/auth/users/')
        .set('Authorization', `Bearer ${token}`)
        .send({ username: 'slash.user', password: 'slash-user-password', role: 'staff' })
        .expect(201);
      await t
        .http()
        .patch('/api/v1/auth/users/slash.user/')
        .set('Authorization', `Bearer ${token}`)
        .send({ role: 'admin' })
        .expect(200);
      await t.http().get('/health/live/').expect(200);
      await t.http().get('/health/ready/').expect(200);
    });

    it('keeps routes protected with it', async () => {
      expectProblem(await t.http().get('/api/v1/auth/me/'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http().get('/api/v1/auth/users/'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('public endpoints', () => {
    it('answers the health probes without a token', async () => {
      expect((await t.http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
      expect((await t.http().get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
    });

    it('serves the API docs without a token', async () => {
      const ui = await t.http().get('/docs').redirects(1).expect(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      const doc = await t.http().get('/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/api/v1/auth/login', '/api/v1/auth/me', '/health/live']),
      );
      expectNoLeak(doc);
    });

    it('documents bearer auth and who may call each route', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      expect(doc.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      expect(doc.paths['/api/v1/auth/users'].get.security).toEqual([{ bearer: [] }]);
      expect(doc.paths['/api/v1/auth/login'].post.security).toBeUndefined();
    });

    it('keeps every other route behind a token', async () => {
      for (const res of [
        await t.http().get('/api/v1/auth/me'),
        await t.http().get('/api/v1/auth/users'),
        await t.http().post('/api/v1/auth/users').send({}),
        await t.http().patch(`/api/v1/auth/users/${ADMIN.username}`).send({}),
      ]) {
        expectProblem(res, 401, 'UNAUTHENTICATED');
      }
    });
  });
});
