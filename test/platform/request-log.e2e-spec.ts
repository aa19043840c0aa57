import { Writable } from 'node:stream';
import { startTestApp, TestApp } from '../support/test-app';

/** The service's JSON log lines, as written. */
class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      this.lines.push(JSON.parse(line));
    done();
  }
}

describe('request log', () => {
  let t: TestApp;
  const logs = new LogCapture();
  const requestLines = () => logs.lines.filter((line) => line.msg === 'request completed');

  beforeAll(async () => (t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: logs })));
  afterAll(() => t.close());

  it('writes one line per request, when it is answered, with status, time and request id', async () => {
    logs.lines.length = 0;
    const res = await t.http().get('/health/live').set('X-Request-Id', 'log-test-1').expect(200);
    expect(res.headers['x-request-id']).toBe('log-test-1');
    const lines = logs.lines.filter((line) => line.reqId === 'log-test-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      level: 30,
      req: { id: 'log-test-1', method: 'GET', url: '/health/live' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('masks phone numbers in the URL and never logs the token', async () => {
    logs.lines.length = 0;
    await t
      .http()
      .get('/api/v1/customer/5551234567')
      .set('Authorization', 'Bearer not-a-real-token-abcdef')
      .set('X-Request-Id', 'log-test-2')
      .expect(401);
    const [line] = requestLines().filter((l) => l.reqId === 'log-test-2');
    expect(line).toMatchObject({ res: { statusCode: 401 } });
    const text = JSON.stringify(logs.lines);
    expect(text).not.toContain('5551234567');
    expect(text).not.toContain('not-a-real-token-abcdef');
    expect((line.req as { url: string }).url).toMatch(/^\/api\/v1\/customer\/\S*\*{3,}\S*$/);
  });
});
