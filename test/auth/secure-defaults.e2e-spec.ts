import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DEV_ADMIN_PASSWORD, DEV_JWT_SECRET } from '../../src/config/app-config';
import { JWT_SECRET_FILE } from '../../src/config/data-folder-secret';
import { expectProblem } from '../platform/problem-assertions';
import { startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { forgeToken, validClaims } from './jwt-forge';

const GENERATED_PASSWORD = /password: (\S+)/;

/** A default install: no JWT_SECRET, no ADMIN_PASSWORD, a data folder of its own. */
describe('a default install (no JWT_SECRET, no ADMIN_PASSWORD)', () => {
  const started: TestApp[] = [];
  const folders: string[] = [];
  let consoleText = '';
  let logText = '';
  let stderrSpy: jest.SpyInstance;

  const dataFolder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'install-'));
    folders.push(dir);
    return dir;
  };
  const start = async (dataDir: string, databaseName?: string) => {
    const logDestination = new Writable({
      write(chunk, _encoding, done) {
        logText += String(chunk);
        done();
      },
    });
    const app = await startTestApp(
      { DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      { bareEnv: true, databaseName, logDestination },
    );
    started.unshift(app);
    return app;
  };
  const generatedPasswords = () =>
    [...consoleText.matchAll(new RegExp(GENERATED_PASSWORD, 'g'))].map((m) => m[1]);

  beforeEach(() => {
    consoleText = '';
    logText = '';
    stderrSpy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        consoleText += String(chunk);
        return true;
      });
  });
  afterEach(async () => {
    stderrSpy.mockRestore();
    for (const app of started.splice(0)) await app.close();
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const me = (t: TestApp, token: string) =>
    t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const login = (t: TestApp, username: string, password: string) =>
    t.http().post('/api/v1/auth/login').send({ username, password });

  it('keeps a generated secret in its data folder (0600), and refuses tokens forged with any published secret', async () => {
    const dir = dataFolder();
    const t = await start(dir);
    const file = join(dir, JWT_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(t.config.jwt.secret).toBe(readFileSync(file, 'utf8').trim());
    for (const secret of [DEV_JWT_SECRET, TEST_JWT_SECRET, 'secret', '']) {
      const token = forgeToken(validClaims('admin', 'admin'), { secret });
      expectProblem(await me(t, token), 401, 'UNAUTHENTICATED');
    }
    // The helper is sound: with the install's own secret the same claims pass.
    await me(t, forgeToken(validClaims('admin', 'admin'), { secret: t.config.jwt.secret })).expect(
      200,
    );
  });

  it('two installs get different secrets; a token of one is refused by the other', async () => {
    const [dirA, dirB] = [dataFolder(), dataFolder()];
    const a = await start(dirA);
    const [password] = generatedPasswords();
    const token = (await login(a, 'admin', password).expect(200)).body.access_token as string;
    const b = await start(dirB);
    expect(b.config.jwt.secret).not.toBe(a.config.jwt.secret);
    expectProblem(await me(b, token), 401, 'UNAUTHENTICATED');
  });

  it('cannot be entered with the password the repository used to publish', async () => {
    const t = await start(dataFolder());
    expectProblem(await login(t, 'admin', DEV_ADMIN_PASSWORD), 401, 'INVALID_CREDENTIALS');
  });

  it('shows a generated admin password once, on the console only, and never again on restart', async () => {
    const dir = dataFolder();
    const first = await start(dir);
    const passwords = generatedPasswords();
    expect(passwords).toHaveLength(1);
    expect(passwords[0].length).toBeGreaterThanOrEqual(20);
    expect(logText).toContain('bootstrap admin ready');
    expect(logText).not.toContain(passwords[0]);
    const stored = await first.connection.db!.collection('users').findOne({ username: 'admin' });
    expect(JSON.stringify(stored)).not.toContain(passwords[0]);

    // A restart on the same data folder and database: same secret (sessions survive), no new password.
    const token = (await login(first, 'admin', passwords[0]).expect(200)).body
      .access_token as string;
    const again = await start(dir, first.databaseName);
    expect(again.config.jwt.secret).toBe(first.config.jwt.secret);
    expect(generatedPasswords()).toHaveLength(1);
    await me(again, token).expect(200);
  });

  it('lets the first token change the password and nothing else; the change ends that token', async () => {
    const t = await start(dataFolder());
    const [password] = generatedPasswords();
    const first = await login(t, 'admin', password).expect(200);
    expect(first.body).toMatchObject({ role: 'admin', scope: 'password_change' });
    const token = first.body.access_token as string;
    const auth = { Authorization: `Bearer ${token}` };

    expectProblem(
      await t.http().get('/api/v1/customer').set(auth),
      403,
      'PASSWORD_CHANGE_REQUIRED',
    );
    expectProblem(
      await t.http().get('/api/v1/auth/users').set(auth),
      403,
      'PASSWORD_CHANGE_REQUIRED',
    );
    expectProblem(
      await t.http().post('/api/v1/auth/mfa/enrol').set(auth),
      403,
      'PASSWORD_CHANGE_REQUIRED',
    );
    await me(t, token).expect(200);

    const change = (body: object) => t.http().post('/api/v1/auth/password').set(auth).send(body);
    expectProblem(
      await change({
        current_password: 'wrong-password-here',
        new_password: 'my-own-admin-passphrase',
      }),
      401,
      'INVALID_CREDENTIALS',
    );
    expectProblem(
      await change({ current_password: password, new_password: 'short' }),
      422,
      'VALIDATION_FAILED',
    );
    await change({ current_password: password, new_password: 'my-own-admin-passphrase' }).expect(
      204,
    );
    expectProblem(await me(t, token), 401, 'UNAUTHENTICATED');
    expectProblem(await login(t, 'admin', password), 401, 'INVALID_CREDENTIALS');

    // Admins need a second factor by default: the next token can only enrol one.
    const next = await login(t, 'admin', 'my-own-admin-passphrase').expect(200);
    expect(next.body.scope).toBe('mfa_enrolment');
    expectProblem(
      await t
        .http()
        .get('/api/v1/customer')
        .set('Authorization', `Bearer ${next.body.access_token}`),
      403,
      'MFA_ENROLMENT_REQUIRED',
    );
  });
});
