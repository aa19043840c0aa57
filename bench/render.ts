/**
 * Re-prints the tables of saved runs, and the growth table across them (e.g. a 10k run and a
 * 100k run made separately): npx ts-node --transpile-only bench/render.ts bench/results/<a>.json [<b>.json …]
 */
import { readFileSync } from 'node:fs';
import { QUERY_TIMEOUT_MS } from './queries';
import {
  beforeAfterTable,
  growthTable,
  planTable,
  ratioTable,
  RunResult,
  runTable,
  targetChecks,
  targetTable,
} from './report';

const runs: RunResult[] = process.argv.slice(2).flatMap((file) => {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { command?: string; runs: RunResult[] };
  console.log(`<!-- ${file}: ${report.command ?? ''} -->`);
  return report.runs.map((run) => ({
    ...run,
    experiments: run.experiments ?? [],
    // Runs saved before rows carried their time limit: the app's 10 s, the bench's query timeout.
    rows: run.rows.map((row) => ({
      ...row,
      timeoutMs: row.timeoutMs ?? (row.side === 'http' ? 10_000 : QUERY_TIMEOUT_MS),
    })),
  }));
});

for (const run of runs) {
  console.log(`\n${runTable(run)}\n${ratioTable(run)}\n\n${planTable(run)}\n`);
  // A baseline run is followed by the current app's run on the same data (BENCH_BASELINE=1).
  const baseline = run.baseline
    ? undefined
    : runs.find((other) => other.baseline && other.backend === run.backend && other.n === run.n);
  if (baseline)
    console.log(
      `\n#### Before and after, ${run.backend}, N=${run.n}\n\n${beforeAfterTable(baseline, run)}\n`,
    );
}
for (const backend of new Set(runs.map((run) => run.backend))) {
  const ofBackend = runs.filter((run) => run.backend === backend && run.experiments.length === 0);
  if (new Set(ofBackend.map((run) => run.n)).size > 1)
    console.log(`\n### p50 growth with N, ${backend}\n\n${growthTable(ofBackend)}\n`);
}
console.log(`\n### Targets\n\n${targetTable(targetChecks(runs.filter((run) => !run.baseline)))}\n`);
