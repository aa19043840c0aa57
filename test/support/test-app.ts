import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.factory';
import { AuditRelay } from '../../src/audit/audit-relay.service';
import { SearchKeysMigration } from '../../src/customers/search-keys.migration';
import { UsersService } from '../../src/auth/users/users.service';
import { loadConfig, AppConfig } from '../../src/config/app-config';
import { withResponseValidation } from './openapi-validator';

export const ADMIN = { username: 'root.admin', password: 'root-admin-password-123' };
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestAppOptions {
  /**
   * Reuse this database (a second instance on another app's data); it is then not dropped on close.
   * Passport strategies are process-global: bearer tokens are checked by the last app started, so
   * once a second app closes, use the first one only for public routes (or start another).
   */
  databaseName?: string;
  /** Where the app's JSON logs go (a test that reads them). */
  logDestination?: DestinationStream;
}

export interface TestApp {
  app: NestFastifyApplication;
  /** The app's own database on the test server. */
  databaseName: string;
  config: AppConfig;
  connection: Connection;
  /** A supertest agent; every response it gets is checked against openapi/openapi.json. */
  http: () => TestAgent;
  /** Listens on a free port of 127.0.0.1 (once) and returns the base URL, for real HTTP clients. */
  listen(): Promise<string>;
  /** Empties every collection, then re-creates the bootstrap admin: each test starts from here. */
  reset(): Promise<void>;
  /** Logs in and returns a bearer token. */
  login(username: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  /** Creates a user through the API (as admin) and returns a token for it. */
  userToken(role: 'staff' | 'admin', username?: string): Promise<string>;
  close(): Promise<void>;
}

let databaseCounter = 0;

/** A fully configured app on its own database of the run's FerretDB (or TEST_MONGODB_URI). */
export async function startTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run through jest (global setup)');
  const uri = new URL(base);
  const databaseName =
    options.databaseName ?? `t_${process.pid}_${++databaseCounter}_${Date.now().toString(36)}`;
  uri.pathname = `/${databaseName}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await createApp(
    config,
    { uri: uri.toString(), postgresUrl: process.env.TEST_FERRETDB_POSTGRES_URL },
    { logDestination: options.logDestination },
  );
  await app.init();
  // Its marker write must not land in the middle of a test's database snapshot.
  await app.get(SearchKeysMigration).finished;
  await app.getHttpAdapter().getInstance().ready();
  const connection = app.get<Connection>(getConnectionToken());
  const http = () => withResponseValidation(request(app.getHttpServer()));
  let baseUrl: Promise<string> | undefined;

  const login = async (username: string, password: string) => {
    const res = await http().post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200)
      throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.access_token as string;
  };
  let userCounter = 0;
  const testApp: TestApp = {
    app,
    databaseName,
    config,
    connection,
    http,
    listen() {
      baseUrl ??= app.listen(0, '127.0.0.1').then(() => app.getUrl());
      return baseUrl;
    },
    login,
    adminToken: () => login(ADMIN.username, ADMIN.password),
    async userToken(role, username = `${role}.${++userCounter}.${Date.now().toString(36)}`) {
      const password = `${username}-password-long`;
      const res = await http()
        .post('/api/v1/auth/users')
        .set('Authorization', `Bearer ${await testApp.adminToken()}`)
        .send({ username, password, role });
      if (res.status !== 201)
        throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
      return login(username, password);
    },
    async reset() {
      // An audit relay still running could write what it read before the wipe after it: wait for
      // it, wipe, and wipe again after whatever had just started when the first wipe ran.
      const relay = app.get(AuditRelay);
      for (let pass = 0; pass < 2; pass++) {
        await relay.idle();
        const collections = await connection.db!.collections();
        await Promise.all(collections.map((c) => c.deleteMany({})));
      }
      await app.get(UsersService).onApplicationBootstrap();
    },
    async close() {
      if (!options.databaseName) await connection.dropDatabase().catch(() => undefined);
      await app.close();
    },
  };
  return testApp;
}

/**
 * The usual life of a test file's app: started once for the file (`onStart` receives it), reset
 * before each test so that every test starts from a known state, closed after the last one.
 */
export function useTestApp(
  onStart: (app: TestApp) => void,
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(env, options);
    onStart(app);
  });
  beforeEach(() => app!.reset());
  afterAll(() => app?.close());
}
