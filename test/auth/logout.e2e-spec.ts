import { SessionsRepository } from '../../src/auth/sessions/sessions.repository';
import { expectProblem } from '../platform/problem-assertions';
import { ADMIN, startTestApp, TestApp } from '../support/test-app';
import { decodePart, forgeToken, validClaims } from './jwt-forge';

describe('POST /api/v1/auth/logout', () => {
  const started: TestApp[] = [];
  afterEach(async () => {
    for (const app of started.splice(0)) await app.close();
  });
  const start = async (env: Record<string, string> = {}, databaseName?: string) => {
    const app = await startTestApp(env, { databaseName });
    started.unshift(app);
    return app;
  };
  const me = (t: TestApp, token: string) =>
    t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const logout = (t: TestApp, token: string) =>
    t.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`);

  it('answers 204 and the token stops working at once; the user’s other tokens keep working', async () => {
    const t = await start();
    const [token, other] = [await t.adminToken(), await t.adminToken()];
    expect(decodePart(token, 1).jti).not.toBe(decodePart(other, 1).jti);
    const res = await logout(t, token).expect(204);
    expect(res.text).toBe('');
    expectProblem(await me(t, token), 401, 'UNAUTHENTICATED');
    expectProblem(await logout(t, token), 401, 'UNAUTHENTICATED');
    await me(t, other).expect(200);
    expectProblem(await t.http().post('/api/v1/auth/logout'), 401, 'UNAUTHENTICATED');
  });

  it('keeps the revocation until the token expires, and the purge deletes it after', async () => {
    const t = await start();
    const token = await t.adminToken();
    await logout(t, token).expect(204);
    const { jti, exp } = decodePart(token, 1) as { jti: string; exp: number };
    const records = await t.connection.db!.collection('revoked_tokens').find().toArray();
    expect(records).toEqual([expect.objectContaining({ jti, expires_at: new Date(exp * 1000) })]);
    const sessions = t.app.get(SessionsRepository);
    expect(await sessions.purgeExpired(new Date(exp * 1000 - 1000))).toBe(0);
    expect(await sessions.purgeExpired(new Date(exp * 1000 + 1000))).toBe(1);
    expect(await t.connection.db!.collection('revoked_tokens').countDocuments()).toBe(0);
  });

  it('refuses a validly signed token without a jti (the service never issues one)', async () => {
    const t = await start();
    const claims = validClaims(ADMIN.username, 'admin');
    await me(t, forgeToken(claims)).expect(200);
    expectProblem(await me(t, forgeToken({ ...claims, jti: undefined })), 401, 'UNAUTHENTICATED');
  });

  it('a token logged out on one instance is refused by another at once, whatever its user cache holds', async () => {
    // A long identity cache on both: the refusal cannot come from it.
    const a = await start({ AUTH_USER_CACHE_MS: '60000' });
    const token = await a.adminToken();
    const b = await start({ AUTH_USER_CACHE_MS: '60000' }, a.databaseName);
    await me(b, token).expect(200);
    await me(a, token).expect(200);
    await logout(a, token).expect(204);
    expectProblem(await me(b, token), 401, 'UNAUTHENTICATED');
    expectProblem(
      await b.http().get('/api/v1/customer').set('Authorization', `Bearer ${token}`),
      401,
      'UNAUTHENTICATED',
    );
  });
});
