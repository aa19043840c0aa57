import { ADMIN, startTestApp, TestApp } from '../support/test-app';

describe('POST /api/v1/auth/login', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('returns a bearer token for the bootstrap admin', async () => {
    const res = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, role: 'admin' });
    const me = await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
    expect(me.body).toEqual({ username: ADMIN.username, role: 'admin' });
  });
});
