/** Tables for the terminal (and for bench/README.md: they are Markdown). */
import { LoadResult } from './load';
import { PlanSummary } from './queries';
import { Side } from './scenarios';

export interface Row extends LoadResult {
  scenario: string;
  title: string;
  side: Side;
  /** Workers sending requests: the configured concurrency, or 1 for scenarios too slow to load. */
  concurrency: number;
  /** CPU milliseconds per request: the app process, the database processes, this process. */
  appCpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
  benchCpuMsPerRequest: number;
  appPeakRssMb: number;
  /** The side's time limit (the app's request timeout, or the bench's query timeout). */
  timeoutMs?: number;
  /** Seconds the scenario waited for the app to answer promptly again after the previous one. */
  settleSeconds: number;
}

export interface RunResult {
  backend: string;
  /** Changes preloaded into the server for this run (bench/experiments/), or the baseline's label. */
  experiments: string[];
  /** The app configured as before the performance work (BENCH_BASELINE=1), on the same data. */
  baseline?: boolean;
  server: string;
  n: number;
  concurrency: number;
  seconds: number;
  seeding: { seconds: number; avgDocumentBytes: number; avgSearchKeys: number };
  rows: Row[];
  serverPeakRssMb: number;
  serverExitCode: number | null;
  serverErrorLogLines: number;
  auditDrainSeconds: Record<string, number>;
  /** CPU with no requests, in % of one core, over `seconds`. */
  idle: { seconds: number; appCpuPercent: number; dbCpuPercent: number };
  plans: PlanSummary[];
  pushdown: Array<{ query: string; filterPushdown: boolean; backendPlan: string }>;
  profile?: {
    file: string;
    cpuMs: number;
    top: Array<{ function: string; selfMs: number; percent: number }>;
    byPackage: Array<{ package: string; selfMs: number; percent: number }>;
  };
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** A side with no answer at all timed out: its latency is only known to be above the timeout. */
function latencyText(row: Row | undefined, value: number | undefined): string {
  if (!row) return '-';
  if (row.requests === 0 && row.errors > 0) return row.timeoutMs ? `>${row.timeoutMs}` : 'timeout';
  return fixed(value ?? NaN, 2);
}

/** p50, or the timeout as a lower bound when nothing answered. */
function p50Bound(row: Row | undefined): { value: number; lowerBound: boolean } {
  if (!row) return { value: NaN, lowerBound: false };
  if (row.requests === 0 && row.errors > 0 && row.timeoutMs)
    return { value: row.timeoutMs, lowerBound: true };
  return { value: row.p50, lowerBound: false };
}

function speedup(slow: Row | undefined, fast: Row | undefined): string {
  const s = p50Bound(slow);
  const f = p50Bound(fast);
  if (!Number.isFinite(s.value) || !Number.isFinite(f.value) || f.lowerBound) return '-';
  // The slow side at fewer workers waited less than it would have at the same concurrency.
  const fewerWorkers =
    slow !== undefined && fast !== undefined && slow.concurrency < fast.concurrency;
  return `${s.lowerBound || fewerWorkers ? '>' : ''}${fixed(s.value / f.value, 1)}x`;
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function runTable(run: RunResult): string {
  const experiment =
    run.experiments.length > 0 ? `, EXPERIMENTS: ${run.experiments.join(', ')}` : '';
  const title = `### ${run.backend} (${run.server}), N=${run.n}, concurrency ${run.concurrency}, ${run.seconds} s per scenario (c, s: as run)${experiment}`;
  const rows = run.rows.map((row) => [
    row.title,
    row.side,
    String(row.concurrency),
    fixed(row.seconds, 0),
    String(row.requests),
    fixed(row.rps, 1),
    latencyText(row, row.p50),
    latencyText(row, row.p95),
    latencyText(row, row.p99),
    String(row.non2xx),
    String(row.errors),
    fixed(row.appCpuMsPerRequest, 2),
    fixed(row.dbCpuMsPerRequest, 2),
    row.side === 'http' ? fixed(row.appPeakRssMb, 0) : '',
  ]);
  const table = markdownTable(
    [
      'scenario',
      'side',
      'c',
      's',
      'requests',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'non-2xx',
      'errors',
      'app CPU ms/req',
      'db CPU ms/req',
      'app RSS MB',
    ],
    rows,
  );
  const notes = [
    `server peak RSS (VmHWM) ${fixed(run.serverPeakRssMb, 0)} MB; exit code ${run.serverExitCode}; error log lines ${run.serverErrorLogLines}`,
    `idle (no requests, ${run.idle?.seconds} s): app ${fixed(run.idle?.appCpuPercent ?? NaN, 0)}% of a core, database ${fixed(run.idle?.dbCpuPercent ?? NaN, 0)}%`,
    `seeding: ${fixed(run.seeding.seconds)} s, ${run.seeding.avgDocumentBytes} B/document, ${run.seeding.avgSearchKeys} search keys/document`,
    ...Object.entries(run.auditDrainSeconds).map(
      ([scenario, seconds]) => `audit outbox drained ${fixed(seconds)} s after ${scenario}`,
    ),
  ];
  return `${title}\n\n${table}\n\n${notes.map((note) => `- ${note}`).join('\n')}\n`;
}

const find = (run: RunResult, scenario: string, side: Side) =>
  run.rows.find((row) => row.scenario === scenario && row.side === side);

/** App vs floor (throughput share, added p50) and search vs naive (p50 speed-up). */
export function ratioTable(run: RunResult): string {
  const rows: string[][] = [];
  for (const http of run.rows.filter((row) => row.side === 'http')) {
    const floor = find(run, http.scenario, 'floor');
    const naive = find(run, http.scenario, 'naive');
    if (!floor && !naive) continue;
    rows.push([
      http.title,
      floor && http.concurrency === floor.concurrency && floor.requests > 0
        ? `${fixed((100 * http.rps) / floor.rps, 0)}%`
        : '-',
      floor && http.requests > 0 && floor.requests > 0 ? fixed(http.p50 - floor.p50, 2) : '-',
      naive ? speedup(naive, http) : '',
      naive ? speedup(naive, floor) : '',
    ]);
  }
  return markdownTable(
    [
      'scenario',
      'app req/s as % of floor',
      'app p50 minus floor p50 (ms)',
      'naive p50 / app p50',
      'naive p50 / floor p50',
    ],
    rows,
  );
}

/** Every scenario and side of the baseline run beside the current one: throughput and p50 ratios. */
export function beforeAfterTable(before: RunResult, after: RunResult): string {
  const rows: string[][] = [];
  for (const now of after.rows) {
    const then = find(before, now.scenario, now.side);
    if (!then) continue;
    const comparable =
      then.concurrency === now.concurrency && then.requests > 0 && now.requests > 0;
    rows.push([
      now.title,
      now.side,
      `${fixed(then.rps, 1)} → ${fixed(now.rps, 1)}`,
      comparable ? `${fixed(now.rps / then.rps, 2)}x` : '-',
      `${latencyText(then, then.p50)} → ${latencyText(now, now.p50)}`,
      speedup(then, now),
      `${latencyText(then, then.p95)} → ${latencyText(now, now.p95)}`,
    ]);
  }
  return markdownTable(
    [
      'scenario',
      'side',
      'req/s before → after',
      'throughput',
      'p50 ms before → after',
      'p50 speed-up',
      'p95 ms before → after',
    ],
    rows,
  );
}

/** p50 of every scenario and side at each N, and the growth from the smallest to the largest N. */
export function growthTable(runs: RunResult[]): string {
  const ns = [...new Set(runs.map((run) => run.n))].sort((a, b) => a - b);
  const keys = new Map<string, { title: string; side: Side; scenario: string }>();
  for (const row of runs.flatMap((run) => run.rows)) keys.set(`${row.scenario}/${row.side}`, row);
  const rows = [...keys.values()].map(({ title, side, scenario }) => {
    const cells = ns.map((n) =>
      find(
        runs.find((run) => run.n === n)!,
        scenario,
        side,
      ),
    );
    const first = p50Bound(cells[0]);
    const last = p50Bound(cells[cells.length - 1]);
    const growth =
      first.lowerBound || !Number.isFinite(first.value * last.value)
        ? '-'
        : `${last.lowerBound ? '>' : ''}${fixed(last.value / first.value, 1)}x`;
    // Mark cells measured with fewer workers than configured: their p50 is not comparable.
    const cell = (row: Row | undefined, run: RunResult | undefined) =>
      `${latencyText(row, row?.p50)}${row && run && row.concurrency < run.concurrency ? ` (c=${row.concurrency})` : ''}`;
    return [
      title,
      side,
      ...cells.map((row, i) =>
        cell(
          row,
          runs.find((run) => run.n === ns[i]),
        ),
      ),
      growth,
    ];
  });
  return markdownTable(
    ['scenario', 'side', ...ns.map((n) => `p50 ms @ ${n}`), `growth ${ns[0]}→${ns[ns.length - 1]}`],
    rows,
  );
}

export function planTable(run: RunResult): string {
  if (run.plans.length > 0) {
    return markdownTable(
      ['query', 'winning plan', 'keys examined', 'docs examined', 'returned', 'verdict'],
      run.plans.map((plan) => [
        plan.query,
        plan.plan,
        String(plan.keysExamined ?? ''),
        String(plan.docsExamined ?? ''),
        String(plan.returned ?? ''),
        plan.query.startsWith('naive')
          ? '(naive)'
          : plan.usesIndex && !plan.collectionScan
            ? 'IXSCAN ok'
            : 'COLLSCAN!',
      ]),
    );
  }
  return markdownTable(
    ['query', 'filter pushed down', 'backend plan'],
    run.pushdown.map((p) => [
      p.query,
      String(p.filterPushdown),
      p.backendPlan.replace(/\|/g, '\\|') || '(none reported)',
    ]),
  );
}

const MIN_SAMPLES = 10;

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

/** The issue's targets, evaluated on the runs at hand (undefined when the run lacks the N). */
export function targetChecks(runs: RunResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const run of runs) {
    const label = `${run.backend} N=${run.n}`;
    const http = find(run, 'get', 'http');
    const floor = find(run, 'get', 'floor');
    if (http && floor && run.n <= 1000) {
      const share = http.rps / floor.rps;
      const added = http.p50 - floor.p50;
      checks.push({
        target: `${label}: get-by-phone ≥70% of floor req/s, ≤2 ms added p50`,
        measured: `${fixed(100 * share, 0)}%, +${fixed(added, 2)} ms`,
        met: share >= 0.7 && added <= 2,
      });
    }
    if (run.n >= 100_000) {
      for (const key of ['search_prefix', 'search_last4', 'search_two_words']) {
        const app = find(run, key, 'http');
        const naive = find(run, key, 'naive');
        const floorRow = find(run, key, 'floor');
        if (app) {
          // A p95 of a handful of requests says nothing: "?" below MIN_SAMPLES on either side.
          const enough = app.requests >= MIN_SAMPLES && (floorRow?.requests ?? 0) >= MIN_SAMPLES;
          const met =
            app.p95 <= 80 ||
            (floorRow !== undefined && floorRow.p95 > 80 && app.p95 <= 1.2 * floorRow.p95);
          checks.push({
            target: `${label}: ${app.title} p95 ≤ 80 ms (or within 20% of the floor's)`,
            measured: `${latencyText(app, app.p95)} ms (floor ${latencyText(floorRow, floorRow?.p95)} ms; ${app.requests}/${floorRow?.requests ?? 0} requests)`,
            met: app.requests === 0 ? false : enough ? met : undefined,
          });
        }
        if (app && naive) {
          const ratio = p50Bound(naive).value / p50Bound(app).value;
          checks.push({
            target: `${label}: ${app.title} ≥5x faster than naive at p50`,
            measured: speedup(naive, app),
            met: Number.isFinite(ratio) && !p50Bound(app).lowerBound ? ratio >= 5 : undefined,
          });
        }
      }
    }
    const appPlans = run.plans.filter((plan) => !plan.query.startsWith('naive'));
    if (appPlans.length > 0) {
      const scans = appPlans.filter((plan) => !plan.usesIndex || plan.collectionScan);
      checks.push({
        target: `${label}: every app query's winning plan uses an index (IXSCAN, no COLLSCAN)`,
        measured:
          scans.length === 0
            ? `${appPlans.length} plans`
            : scans.map((plan) => `${plan.query}: ${plan.plan}`).join('; '),
        met: scans.length === 0,
      });
    }
    const httpRows = run.rows.filter((row) => row.side === 'http');
    const failures = httpRows.reduce((total, row) => total + row.non2xx + row.errors, 0);
    checks.push({
      target: `${label}: zero non-2xx and errors under load`,
      measured: String(failures),
      met: failures === 0,
    });
    checks.push({
      target: `${label}: server RSS < 300 MB`,
      measured: `${fixed(run.serverPeakRssMb, 0)} MB`,
      met: run.serverPeakRssMb < 300,
    });
  }
  return checks;
}

export function targetTable(checks: TargetCheck[]): string {
  return markdownTable(
    ['target', 'measured', 'met'],
    checks.map((check) => [
      check.target,
      check.measured,
      check.met === undefined ? '?' : check.met ? 'yes' : 'NO',
    ]),
  );
}
