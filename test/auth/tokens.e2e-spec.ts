import { expectProblem } from '../platform/problem-assertions';
import { ADMIN, TEST_JWT_SECRET, TestApp, useTestApp } from '../support/test-app';
import {
  AUDIENCE,
  decodePart,
  forgeToken,
  hmac,
  ISSUER,
  validClaims,
  withPayload,
} from './jwt-forge';

describe('bearer tokens', () => {
  let t: TestApp;
  useTestApp((app) => (t = app));

  const me = (authorization?: string) => {
    const req = t.http().get('/api/v1/auth/me');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };
  const expectUnauthenticated = (res: Awaited<ReturnType<typeof me>>) => {
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  };

  describe('as issued at login', () => {
    it('are HS256 JWTs signed with JWT_SECRET, for the issuer and audience', async () => {
      const token = await t.adminToken();
      const [header, payload, signature] = token.split('.');
      expect(decodePart(token, 0)).toMatchObject({ alg: 'HS256' });
      expect(signature).toBe(hmac('sha256', `${header}.${payload}`, TEST_JWT_SECRET));
      expect(decodePart(token, 1)).toMatchObject({
        sub: ADMIN.username,
        iss: ISSUER,
        aud: AUDIENCE,
      });
    });

    it('live for JWT_EXPIRES_IN, as expires_in says', async () => {
      const token = await t.adminToken();
      const { iat, exp } = decodePart(token, 1) as { iat: number; exp: number };
      expect(exp - iat).toBe(3600);
      expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(60);
    });
  });

  it('accepts a well-formed token for an existing user (the forgery helper is sound)', async () => {
    const res = await me(`Bearer ${forgeToken(validClaims(ADMIN.username, 'admin'))}`).expect(200);
    expect(res.body).toEqual({ username: ADMIN.username, role: 'admin' });
  });

  it('refuses alg "none"', async () => {
    const claims = validClaims(ADMIN.username, 'admin');
    expectUnauthenticated(
      await me(
        `Bearer ${forgeToken(claims, { header: { alg: 'none', typ: 'JWT' }, signature: '' })}`,
      ),
    );
    expectUnauthenticated(
      await me(
        `Bearer ${forgeToken(claims, { header: { alg: 'None', typ: 'JWT' }, signature: '' })}`,
      ),
    );
  });

  it('refuses a token signed with another secret', async () => {
    const token = forgeToken(validClaims(ADMIN.username, 'admin'), {
      secret: 'another-secret-that-is-also-long-enough-0123',
    });
    expectUnauthenticated(await me(`Bearer ${token}`));
  });

  it('refuses another HMAC algorithm, even with the right secret', async () => {
    const token = forgeToken(validClaims(ADMIN.username, 'admin'), {
      header: { alg: 'HS512', typ: 'JWT' },
    });
    expectUnauthenticated(await me(`Bearer ${token}`));
  });

  it('refuses an RS256 header over an HMAC signature (algorithm confusion)', async () => {
    const token = forgeToken(validClaims(ADMIN.username, 'admin'), {
      header: { alg: 'RS256', typ: 'JWT' },
    });
    expectUnauthenticated(await me(`Bearer ${token}`));
  });

  it('refuses a tampered payload: a staff token re-labelled admin', async () => {
    const staffToken = await t.userToken('staff', 'clerk.tom');
    const claims = { ...decodePart(staffToken, 1), role: 'admin' };
    const tampered = withPayload(staffToken, claims);
    expectUnauthenticated(await me(`Bearer ${tampered}`));
    expectUnauthenticated(
      await t.http().get('/api/v1/auth/users').set('Authorization', `Bearer ${tampered}`),
    );
  });

  it('refuses a tampered payload: a staff token re-addressed to the admin', async () => {
    const staffToken = await t.userToken('staff', 'clerk.tom');
    const tampered = withPayload(staffToken, { ...decodePart(staffToken, 1), sub: ADMIN.username });
    expectUnauthenticated(await me(`Bearer ${tampered}`));
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...validClaims(ADMIN.username, 'admin'), iat: now - 7200, exp: now - 60 };
    expectUnauthenticated(await me(`Bearer ${forgeToken(claims)}`));
  });

  it('refuses a token for another issuer', async () => {
    const token = forgeToken({ ...validClaims(ADMIN.username, 'admin'), iss: 'someone-else' });
    expectUnauthenticated(await me(`Bearer ${token}`));
  });

  it('refuses a token for another audience', async () => {
    const token = forgeToken({ ...validClaims(ADMIN.username, 'admin'), aud: 'another-api' });
    expectUnauthenticated(await me(`Bearer ${token}`));
  });

  it('refuses a token without issuer or audience', async () => {
    const claims = validClaims(ADMIN.username, 'admin');
    expectUnauthenticated(await me(`Bearer ${forgeToken({ ...claims, iss: undefined })}`));
    expectUnauthenticated(await me(`Bearer ${forgeToken({ ...claims, aud: undefined })}`));
  });

  it('refuses a validly signed token for a user that does not exist', async () => {
    expectUnauthenticated(await me(`Bearer ${forgeToken(validClaims('ghost.user', 'admin'))}`));
  });

  it('refuses a validly signed token without a subject', async () => {
    expectUnauthenticated(
      await me(`Bearer ${forgeToken({ ...validClaims(ADMIN.username, 'admin'), sub: undefined })}`),
    );
  });

  it('refuses a request without Authorization', async () => {
    expectUnauthenticated(await me());
  });

  it.each([
    ['an empty header', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['a garbled token', 'Bearer not-a-jwt'],
    ['three garbled parts', 'Bearer aaa.bbb.ccc'],
    [
      'Basic credentials',
      `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
    ],
  ])('refuses %s', async (_why, authorization) => {
    expectUnauthenticated(await me(authorization));
  });

  it('refuses a valid token sent under another scheme or without one', async () => {
    const token = await t.adminToken();
    expectUnauthenticated(await me(token));
    expectUnauthenticated(await me(`Token ${token}`));
  });

  it('refuses a valid token with anything after it, and reads the scheme case-insensitively', async () => {
    const token = await t.adminToken();
    expectUnauthenticated(await me(`Bearer ${token} extra`));
    expectUnauthenticated(await me(`Bearer ${token},Bearer ${token}`));
    await me(`bearer ${token}`).expect(200);
    await me(`BEARER  ${token}`).expect(200);
  });

  it('reads the token only from the Authorization header', async () => {
    const token = await t.adminToken();
    expectUnauthenticated(await t.http().get(`/api/v1/auth/me?access_token=${token}`));
    expectUnauthenticated(
      await t.http().get('/api/v1/auth/me').set('Cookie', `access_token=${token}`),
    );
  });
});
