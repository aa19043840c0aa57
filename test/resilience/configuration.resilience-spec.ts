import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { freePort, productionEnv, runToExit, spawnCaptured } from './support/child-app';
import { Exchange, send } from './support/http';
import { assertProblem } from './support/problem';

const SECRET_32_BYTES = 'k'.repeat(32);
const LISTED_ORIGIN = 'https://counter.pawnshop.example';
const UNLISTED_ORIGIN = 'https://evil.example';

/** The service configured as in production (in-process: headers, CORS and Swagger need no child). */
async function productionApp(env: Record<string, string> = {}): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const uri = new URL(process.env.TEST_MONGODB_URI!);
  uri.pathname = `/config_${process.pid}_${Date.now().toString(36)}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: uri.toString(),
    JWT_SECRET: SECRET_32_BYTES,
    ADMIN_USERNAME: 'config.admin',
    ADMIN_PASSWORD: 'config-admin-password-1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createApp(config, { uri: uri.toString() });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: await app.getUrl() };
}

const preflight = (baseUrl: string, origin: string) =>
  send(baseUrl, 'OPTIONS', '/api/v1/customer', {
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });

describe('production configuration', () => {
  describe('without CORS_ORIGINS or SWAGGER_ENABLED', () => {
    let app: NestFastifyApplication;
    let baseUrl: string;
    beforeAll(async () => ({ app, baseUrl } = await productionApp()));
    afterAll(() => app?.close());

    it.each([
      ['a success', 'GET', '/health/live'],
      ['a 401 problem', 'GET', '/api/v1/auth/me'],
      ['a 404 problem', 'GET', '/api/v1/nowhere'],
    ])('sets the helmet headers and no X-Powered-By on %s', async (_what, method, path) => {
      await expectSecurityHeaders(await send(baseUrl, method, path));
    });

    // Fastify answers routing errors (a malformed percent escape, an over-long path parameter)
    // through `frameworkErrors`, which skips the onRequest hooks: the headers are set there too.
    it.each([
      ['a 400 problem (malformed percent escape)', 'GET', '/api/v1/customer/%E0%A4%A'],
      ['a 422 problem (over-long path parameter)', 'GET', `/api/v1/customer/${'5'.repeat(300)}`],
    ])('sets the helmet headers on %s', async (_what, method, path) => {
      await expectSecurityHeaders(await send(baseUrl, method, path));
    });

    async function expectSecurityHeaders(res: Exchange): Promise<void> {
      expect(res.status).toBeGreaterThan(0);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-dns-prefetch-control']).toBe('off');
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      if (res.status >= 400) assertProblem(res);
    }

    it.each([
      ['/api/v1/customer/%E0%A4%A', 400],
      [`/api/v1/customer/${'5'.repeat(300)}`, 422],
    ])('answers the routing error %s with a problem document and X-Request-Id', async (path, status) => {
      assertProblem(await send(baseUrl, 'GET', path), status);
    });

    it('answers no CORS preflight: no origin is allowed', async () => {
      for (const origin of [LISTED_ORIGIN, UNLISTED_ORIGIN]) {
        const res = await preflight(baseUrl, origin);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
      const simple = await send(baseUrl, 'GET', '/health/live', { headers: { Origin: UNLISTED_ORIGIN } });
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('serves no Swagger UI and no OpenAPI document', async () => {
      expect((await send(baseUrl, 'GET', '/docs')).status).toBe(404);
      expect((await send(baseUrl, 'GET', '/docs/')).status).toBe(404);
      expect((await send(baseUrl, 'GET', '/docs-json')).status).toBe(404);
    });
  });

  describe(`with CORS_ORIGINS=${LISTED_ORIGIN} and SWAGGER_ENABLED=true`, () => {
    let app: NestFastifyApplication;
    let baseUrl: string;
    beforeAll(async () => ({ app, baseUrl } = await productionApp({ CORS_ORIGINS: LISTED_ORIGIN, SWAGGER_ENABLED: 'true' })));
    afterAll(() => app?.close());

    it('allows a preflight from the listed origin', async () => {
      const res = await preflight(baseUrl, LISTED_ORIGIN);
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe(LISTED_ORIGIN);
      expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
    });

    it('refuses a preflight from an unlisted origin', async () => {
      const res = await preflight(baseUrl, UNLISTED_ORIGIN);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await send(baseUrl, 'GET', '/health/live', { headers: { Origin: UNLISTED_ORIGIN } });
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('never answers with a wildcard or echoes credentials for everyone', async () => {
      const res = await send(baseUrl, 'GET', '/health/live', { headers: { Origin: LISTED_ORIGIN } });
      expect(res.headers['access-control-allow-origin']).toBe(LISTED_ORIGIN);
      expect(res.headers['access-control-allow-origin']).not.toBe('*');
    });

    it('serves the Swagger UI and the document when enabled', async () => {
      expect((await send(baseUrl, 'GET', '/docs-json')).status).toBe(200);
      const ui = await send(baseUrl, 'GET', '/docs');
      expect([200, 301, 302]).toContain(ui.status);
    });
  });

  describe('start-up refusals (the built service, NODE_ENV=production)', () => {
    const mongodbUri = () => {
      const uri = new URL(process.env.TEST_MONGODB_URI!);
      uri.pathname = `/startup_${process.pid}`;
      return uri.toString();
    };

    it('refuses a JWT secret of 31 bytes, naming the variable, and exits non-zero', async () => {
      const env = productionEnv(mongodbUri(), await freePort(), { JWT_SECRET: 's'.repeat(31) });
      const result = await runToExit(env);
      expect(result.timedOut).toBe(false);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/JWT_SECRET must be at least 32 bytes in production/);
      expect(result.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
    });

    it('counts bytes, not characters: 16 two-byte characters are 32 bytes and pass that check', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', MONGODB_URI: mongodbUri(), JWT_SECRET: 'é'.repeat(16), ADMIN_PASSWORD: 'long-admin-password' })).not.toThrow();
      expect(() => loadConfig({ NODE_ENV: 'production', MONGODB_URI: mongodbUri(), JWT_SECRET: 'é'.repeat(15), ADMIN_PASSWORD: 'long-admin-password' })).toThrow(/32 bytes/);
    });

    it('refuses a missing JWT secret and a missing MONGODB_URI', async () => {
      const port = await freePort();
      const noSecret = await runToExit(productionEnv(mongodbUri(), port, { JWT_SECRET: undefined }));
      expect(noSecret.code).not.toBe(0);
      expect(noSecret.output).toMatch(/JWT_SECRET is required in production/);
      const noUri = await runToExit(productionEnv('', port, { MONGODB_URI: undefined }));
      expect(noUri.code).not.toBe(0);
      expect(noUri.output).toMatch(/MONGODB_URI is required in production/);
    });

    it('starts with a 32-byte secret (the refusal above is about the secret, nothing else)', async () => {
      const port = await freePort();
      const env = productionEnv(mongodbUri(), port, { JWT_SECRET: SECRET_32_BYTES });
      const child = spawnCaptured(env, 90_000);
      let ready = false;
      for (let i = 0; i < 300 && !ready; i++) {
        ready = (await send(`http://127.0.0.1:${port}`, 'GET', '/health/ready', { timeoutMs: 2000 })).status === 200;
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(ready).toBe(true);
      child.kill('SIGTERM');
      expect((await child.done).code).toBe(0);
    });
  });
});
