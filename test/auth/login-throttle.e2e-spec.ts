import { expectProblem } from '../platform/problem-assertions';
import { ADMIN, startTestApp, TestApp, useTestApp } from '../support/test-app';

const WINDOW_MS = 15 * 60 * 1000;

const attempt = (app: TestApp, username: string, password: string) =>
  app.http().post('/api/v1/auth/login').send({ username, password });

async function fail(app: TestApp, username: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await attempt(app, username, `wrong-password-${i}`).expect(401);
}

function expectThrottled(res: Awaited<ReturnType<typeof attempt>>): void {
  expectProblem(res, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeLessThanOrEqual(WINDOW_MS / 1000);
}

describe('login throttle: 5 failed logins per username in 15 minutes', () => {
  let t: TestApp;
  useTestApp((app) => (t = app));

  const attempts = () => t.connection.db!.collection('login_attempts');

  it('lets a user in after 4 failures', async () => {
    await fail(t, ADMIN.username, 4);
    await attempt(t, ADMIN.username, ADMIN.password).expect(200);
  });

  it('answers the 6th attempt with 429 and Retry-After, even with the right password', async () => {
    await fail(t, ADMIN.username, 5);
    expectThrottled(await attempt(t, ADMIN.username, ADMIN.password));
    expectThrottled(await attempt(t, ADMIN.username, 'wrong-again'));
  });

  it('counts the username case-insensitively', async () => {
    await fail(t, ADMIN.username.toUpperCase(), 5);
    expectThrottled(await attempt(t, ADMIN.username, ADMIN.password));
  });

  it('throttles unknown usernames like known ones', async () => {
    await fail(t, 'nobody.here', 5);
    expectThrottled(await attempt(t, 'nobody.here', 'whatever-password'));
  });

  it('leaves other usernames unaffected', async () => {
    await fail(t, 'nobody.here', 5);
    await attempt(t, ADMIN.username, ADMIN.password).expect(200);
  });

  it('counts every one of many concurrent failures', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => attempt(t, ADMIN.username, `concurrent-wrong-${i}`)),
    );
    expect(results.every((res) => res.status === 401 || res.status === 429)).toBe(true);
    expectThrottled(await attempt(t, ADMIN.username, ADMIN.password));
  });

  it('checks exactly 5 passwords out of a burst of 30 concurrent guesses', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => attempt(t, ADMIN.username, `burst-wrong-${i}`)),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(25);
    expectThrottled(await attempt(t, ADMIN.username, ADMIN.password));
  });

  it('checks at most 5 wrong passwords of a burst, 5 more only after the right one got in', async () => {
    const guesses = Array.from({ length: 29 }, (_, i) =>
      attempt(t, ADMIN.username, `burst-wrong-${i}`),
    );
    const results = await Promise.all([...guesses, attempt(t, ADMIN.username, ADMIN.password)]);
    const statuses = results.map((res) => res.status);
    expect(statuses.every((status) => [200, 401, 429].includes(status))).toBe(true);
    const succeeded = statuses.filter((status) => status === 200).length;
    expect(succeeded).toBeLessThanOrEqual(1);
    // A success clears the count: the window that follows gets its own 5.
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(
      succeeded ? 9 : 5,
    );
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(
      succeeded ? 20 : 24,
    );
  });

  it('lets every one of many concurrent logins with the right password in', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => attempt(t, ADMIN.username, ADMIN.password)),
    );
    expect(results.map((res) => res.status)).toEqual(Array(12).fill(200));
  });

  it('lets concurrent right passwords in after 4 failures', async () => {
    await fail(t, ADMIN.username, 4);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => attempt(t, ADMIN.username, ADMIN.password)),
    );
    expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200]);
  });

  it('starts the count afresh after a successful login', async () => {
    await fail(t, ADMIN.username, 4);
    await attempt(t, ADMIN.username, ADMIN.password).expect(200);
    await fail(t, ADMIN.username, 4);
    await attempt(t, ADMIN.username, ADMIN.password).expect(200);
    await fail(t, ADMIN.username, 5);
    expectThrottled(await attempt(t, ADMIN.username, ADMIN.password));
  });

  it('does not count successful logins', async () => {
    for (let i = 0; i < 8; i++) await attempt(t, ADMIN.username, ADMIN.password).expect(200);
    await fail(t, ADMIN.username, 4);
    await attempt(t, ADMIN.username, ADMIN.password).expect(200);
  });

  it('lets the user in again once the window has passed', async () => {
    await fail(t, ADMIN.username, 5);
    expectThrottled(await attempt(t, ADMIN.username, ADMIN.password));
    await moveWindowBack(ADMIN.username, WINDOW_MS + 1000);
    await attempt(t, ADMIN.username, ADMIN.password).expect(200);
  });

  it('starts a fresh count once the window has passed', async () => {
    await fail(t, ADMIN.username, 5);
    await moveWindowBack(ADMIN.username, WINDOW_MS + 1000);
    await fail(t, ADMIN.username, 4);
    await attempt(t, ADMIN.username, ADMIN.password).expect(200);
  });

  it('still throttles just before the window passes', async () => {
    await fail(t, ADMIN.username, 5);
    await moveWindowBack(ADMIN.username, WINDOW_MS - 60_000);
    const res = await attempt(t, ADMIN.username, ADMIN.password);
    expectThrottled(res);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  async function moveWindowBack(username: string, ms: number): Promise<void> {
    const result = await attempts().updateOne(
      { _id: username as never },
      // Every write raises revision: the storage guard refuses one that does not.
      { $set: { window_start: new Date(Date.now() - ms) }, $inc: { revision: 1 } },
    );
    expect(result.matchedCount).toBe(1);
  }
});

// Its own apps: a second instance takes over the process-global passport strategy (see test-app).
describe('login throttle across instances', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({}, { databaseName: first.databaseName });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('keeps the counter in MongoDB, shared by every instance', async () => {
    await fail(first, ADMIN.username, 3);
    await fail(second, ADMIN.username, 2);
    expectThrottled(await attempt(second, ADMIN.username, ADMIN.password));
    expectThrottled(await attempt(first, ADMIN.username, ADMIN.password));
    const stored = await first.connection
      .db!.collection('login_attempts')
      .findOne({ _id: ADMIN.username as never });
    expect(stored).toMatchObject({ failures: 5, window_start: expect.any(Date) });
  });
});
