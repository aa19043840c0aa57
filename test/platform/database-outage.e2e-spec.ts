import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { EmbeddedDatabase, startEmbeddedFerretDb } from '../../src/database/embedded-ferretdb';
import { forgeToken, validClaims } from '../auth/jwt-forge';
import { ADMIN, TEST_JWT_SECRET } from '../support/test-app';
import { expectProblem } from './problem-assertions';

// Its own FerretDB, so that it can be stopped under a running app.
describe('database outage', () => {
  let database: EmbeddedDatabase;
  let app: NestFastifyApplication;
  let port: number;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    database = await startEmbeddedFerretDb({ backend: 'sqlite' });
    port = Number(new URL(database.uri).port);
    const config = loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    app = await createApp(config, { uri: `${database.uri}outage` });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.stop();
  });

  it('is ready while the database answers', async () => {
    await http().get('/health/ready').expect(200);
    await http().post('/api/v1/auth/login').send(ADMIN).expect(200);
  });

  describe('once the database is gone', () => {
    beforeAll(() => database.stop());

    it('stays live', async () => {
      expect((await http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    });

    it('is not ready: 503 problem', async () => {
      expectProblem(await http().get('/health/ready'), 503, 'DATABASE_UNAVAILABLE');
    });

    it('answers a login with 503 DATABASE_UNAVAILABLE and Retry-After, hiding the driver error', async () => {
      const res = await http().post('/api/v1/auth/login').send(ADMIN);
      expectProblem(res, 503, 'DATABASE_UNAVAILABLE');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|selection|topology/i);
    });

    it('answers an authenticated request with 503, not 401', async () => {
      const token = forgeToken(validClaims(ADMIN.username, 'admin'));
      expectProblem(
        await http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`),
        503,
        'DATABASE_UNAVAILABLE',
      );
    });

    it('recovers when the database comes back', async () => {
      database = await startEmbeddedFerretDb({ backend: 'sqlite', port });
      let ready = 0;
      for (let i = 0; i < 50 && ready !== 200; i++) {
        ready = (await http().get('/health/ready')).status;
        if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(ready).toBe(200);
    });
  });
});
