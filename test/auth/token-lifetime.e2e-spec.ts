import { ADMIN, startTestApp, TestApp } from '../support/test-app';
import { decodePart } from './jwt-forge';

describe('token lifetime from JWT_EXPIRES_IN', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ JWT_EXPIRES_IN: '15m' })));
  afterAll(() => t.close());

  it('sets exp and expires_in from the configured lifetime', async () => {
    const res = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    expect(res.body.expires_in).toBe(900);
    const { iat, exp } = decodePart(res.body.access_token, 1) as { iat: number; exp: number };
    expect(exp - iat).toBe(900);
  });
});
