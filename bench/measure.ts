/**
 * Measures one scenario on every side (HTTP, floor, naive) at the same concurrency and for the
 * same time. A first request on each side (the probe, which also warms up) sizes the run: fast
 * scenarios run at the configured concurrency for the configured time; slow ones run longer so
 * that every worker completes a couple of requests (autocannon drops the requests still in
 * flight when its time is up); scenarios too slow for that within the time cap run one request
 * at a time, and the table says so (its `c` column).
 */
import { Db } from 'mongodb';
import { HttpRequest, LoadResult, LoadSettings, runDriver, runHttp } from './load';
import { ResourceProbe } from './proc';
import { QUERY_TIMEOUT_MS } from './queries';
import { Row } from './report';
import { Scenario, Side } from './scenarios';
import { RunningServer } from './server';

export interface MeasureSettings extends LoadSettings {
  /** The longest a scenario side may run, in seconds. */
  maxSeconds: number;
  warmupSeconds: number;
}

interface SideRunner {
  side: Side;
  once(i: number): Promise<void>;
  load(settings: LoadSettings): Promise<LoadResult>;
}

const log = (message: string) => process.stderr.write(`${message}\n`);

export async function measureScenario(
  scenario: Scenario,
  server: RunningServer,
  db: Db,
  dbPids: () => number[],
  settings: MeasureSettings,
): Promise<Row[]> {
  const settleSeconds = await settle(server);
  if (settleSeconds > 1)
    log(
      `${scenario.title}: waited ${settleSeconds.toFixed(1)} s for the app to answer /health/ready again`,
    );
  const runners = sideRunners(scenario, server, db);
  const probes = new Map<Side, number>();
  for (const runner of runners) {
    // Inputs differ a lot (a common name prefix matches many customers): a fast first probe is
    // followed by two more with other inputs, and the slowest counts.
    let ms = await timed(() => runner.once(0));
    if (ms < 1000 && !scenario.writes)
      ms = Math.max(ms, await timed(() => runner.once(1)), await timed(() => runner.once(2)));
    probes.set(runner.side, ms);
  }
  // The app's sides (HTTP and its floor) share one plan; the naive side, often far slower, gets its own.
  const appPlan = loadPlan(
    Math.max(...[...probes].filter(([side]) => side !== 'naive').map(([, ms]) => ms)),
    settings,
  );
  // Never more workers than the app's sides had: at fewer, its latencies (and the ratios) are a lower bound.
  const naivePlan = loadPlan(probes.get('naive') ?? 0, {
    ...settings,
    concurrency: appPlan.concurrency,
  });
  const planFor = (side: Side) => (side === 'naive' ? naivePlan : appPlan);
  log(
    `${scenario.title}: probe ${[...probes].map(([side, ms]) => `${side} ${ms.toFixed(1)} ms`).join(', ')} -> concurrency ${appPlan.concurrency}, ${appPlan.seconds.toFixed(0)} s`,
  );

  const rows: Row[] = [];
  for (const runner of runners) {
    const plan = planFor(runner.side);
    if (
      runner.side === 'http' &&
      !scenario.writes &&
      plan.concurrency === settings.concurrency &&
      settings.warmupSeconds > 0
    ) {
      await runner.load({ concurrency: plan.concurrency, seconds: settings.warmupSeconds });
    }
    const probe = new ResourceProbe(server.pid, dbPids);
    const result = await runner.load(plan);
    const usage = probe.stop();
    const perRequest = (ms: number) => (result.requests > 0 ? ms / result.requests : NaN);
    const row: Row = {
      scenario: scenario.key,
      title: scenario.title,
      side: runner.side,
      concurrency: plan.concurrency,
      ...result,
      appCpuMsPerRequest: runner.side === 'http' ? perRequest(usage.appCpuMs) : NaN,
      dbCpuMsPerRequest: perRequest(usage.dbCpuMs),
      benchCpuMsPerRequest: perRequest(usage.benchCpuMs),
      appPeakRssMb: usage.appPeakRssMb,
      timeoutMs: runner.side === 'http' ? APP_REQUEST_TIMEOUT_MS : QUERY_TIMEOUT_MS,
      settleSeconds,
    };
    log(
      `  ${runner.side}: ${row.rps.toFixed(1)} req/s, p50 ${row.p50.toFixed(2)} ms, p95 ${row.p95.toFixed(2)} ms, non-2xx ${row.non2xx}, errors ${row.errors}${row.non2xx ? ` ${JSON.stringify(row.statusCodes)}` : ''}`,
    );
    rows.push(row);
  }
  return rows;
}

const SETTLE_TIMEOUT_MS = 180_000;
/** The app's REQUEST_TIMEOUT_MS default: past it, Fastify drops the connection. */
const APP_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Work the app abandoned (a request its client gave up on still runs its queries) can hold its
 * connection pool for a long time; each scenario starts once the app answers a ping promptly.
 */
async function settle(server: RunningServer): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < SETTLE_TIMEOUT_MS) {
    const asked = Date.now();
    try {
      const res = await fetch(`${server.baseUrl}/health/ready`, {
        signal: AbortSignal.timeout(30_000),
      });
      if (res.status === 200 && Date.now() - asked < 1000) break;
    } catch {
      // still busy
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return (Date.now() - started) / 1000;
}

/** Every worker should complete a couple of requests; past the cap, one worker. */
function loadPlan(probeMs: number, settings: MeasureSettings): LoadSettings {
  const wanted = (concurrency: number) => (2 * probeMs * concurrency) / 1000;
  if (wanted(settings.concurrency) <= settings.maxSeconds) {
    return {
      concurrency: settings.concurrency,
      seconds: Math.max(settings.seconds, wanted(settings.concurrency)),
    };
  }
  return {
    concurrency: 1,
    seconds: Math.min(settings.maxSeconds, Math.max(settings.seconds, wanted(1))),
  };
}

function sideRunners(scenario: Scenario, server: RunningServer, db: Db): SideRunner[] {
  const http: SideRunner = {
    side: 'http',
    once: (i) => sendOnce(server, scenario.http(i)),
    load: (settings) => {
      let i = 1_000_000; // past the probe's inputs (create needs fresh phones)
      return runHttp(server.baseUrl, server.token, settings, () => scenario.http(i++));
    },
  };
  const driver = (
    Object.entries(scenario.driver) as Array<[Side, (db: Db, i: number) => Promise<unknown>]>
  ).map(([side, operation]): SideRunner => ({
    side,
    once: async (i) => void (await operation(db, i)),
    load: (settings) => runDriver(settings, (i) => operation(db, i)),
  }));
  return [http, ...driver];
}

async function sendOnce(server: RunningServer, request: HttpRequest): Promise<void> {
  const res = await fetch(`${server.baseUrl}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: request.body,
  });
  const text = await res.text();
  if (res.status >= 300)
    log(`  probe: ${request.method} ${request.path} answered ${res.status} ${text.slice(0, 200)}`);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  try {
    await work();
  } catch (error) {
    log(`  probe failed: ${(error as Error).message}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}
