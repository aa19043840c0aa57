/**
 * Two load generators with the same shape: a fixed number of workers, each sending its next
 * request as soon as the previous one answered, for a fixed time. Every latency is kept, so
 * p50/p95/p99 are exact, and both sides are measured the same way.
 */
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  /** Connection errors, timeouts and, for HTTP, requests sent that never got an answer in the time. */
  errors: number;
  statusCodes: Record<string, number>;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadSettings {
  concurrency: number;
  seconds: number;
}

export function summarize(
  latencies: number[],
  seconds: number,
  counts: Omit<LoadResult, 'requests' | 'seconds' | 'rps' | 'p50' | 'p95' | 'p99' | 'max'>,
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return {
    requests: sorted.length,
    seconds,
    rps: sorted.length / seconds,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
    ...counts,
  };
}

/** HTTP through autocannon; `next` gives each request (a new phone, a new search...). */
export async function runHttp(
  baseUrl: string,
  token: string,
  settings: LoadSettings,
  next: () => HttpRequest,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: baseUrl,
    connections: settings.concurrency,
    duration: settings.seconds,
    timeout: 60,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => {
          const { method, path, body } = next();
          // autocannon keeps the previous request's headers, Content-Length included: a request
          // without a body after one with a body would announce a body it never sends.
          const headers = { ...(request.headers as Record<string, string> | undefined) };
          delete headers['Content-Length'];
          return { ...request, method, path, body, headers };
        },
      },
    ],
  });
  instance.on(
    'response',
    (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    },
  );
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [
      code,
      (stat as { count: number }).count,
    ]),
  );
  // Requests still in flight when the time is up are dropped by autocannon: count them as unanswered.
  const unanswered = Math.max(
    0,
    (result.requests?.sent ?? 0) - latencies.length - result.errors - result.timeouts,
  );
  const errors = result.errors + result.timeouts + (latencies.length === 0 ? unanswered : 0);
  return summarize(latencies, seconds, { non2xx: result.non2xx, errors, statusCodes });
}

/** Driver calls from this process, no HTTP; `operation(i)` runs the i-th request. */
export async function runDriver(
  settings: LoadSettings,
  operation: (i: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(settings.seconds * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        await operation(counter++);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (error) {
        if (errors++ === 0) process.stderr.write(`driver error: ${(error as Error).message}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summarize(latencies, seconds, { non2xx: 0, errors, statusCodes: {} });
}
