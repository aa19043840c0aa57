/**
 * npm run bench: seeds N customers, starts the app in production mode on that data, and measures
 * each scenario through HTTP, beside the same lookup through the driver (the floor) and the
 * regex fallback (naive). Prints Markdown tables and writes bench/results/<timestamp>.json.
 * Measures, never asserts a time (the target table says met / NO).
 *
 * Environment: BENCH_N (10000; comma list for a growth table, e.g. 10000,100000),
 * BENCH_BACKEND (postgresql | sqlite | both; ignored with MONGODB_URI), BENCH_DURATION (seconds
 * per scenario, 10), BENCH_MAX_DURATION (cap for slow scenarios, 3 x BENCH_DURATION),
 * BENCH_CONCURRENCY (8), BENCH_WARMUP (seconds per HTTP read scenario, 1), BENCH_QUERY_TIMEOUT_MS,
 * BENCH_SCENARIOS (comma list of scenario keys), BENCH_CPU_PROF=1 (profile the server),
 * BENCH_SKIP_BUILD=1, BENCH_LOG_LEVEL (info, as production), BENCH_SEED, MONGODB_URI;
 * BENCH_ACCESS_LOG_AB=1 (the baseline is the app with ACCESS_LOG=off: the access log's cost, same data, same run),
 * BENCH_BASELINE=1 (first measure the app configured as before the performance work, on the same
 * data), BENCH_PG_INDEXES=0 (keep the app from adding its GIN indexes);
 * BENCH_EXPERIMENTS=<name,...>: changes preloaded into the server (.js) or applied to PostgreSQL
 * after seeding (.sql), to measure them without editing the app (bench/experiments/).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Db, MongoClient } from 'mongodb';
import { Backend, BenchDatabase, startDatabase } from './database';
import { measureScenario, MeasureSettings } from './measure';
import { ResourceProbe } from './proc';
import { ProfileWindow, summarizeProfile } from './profile';
import {
  appSearch,
  byPhone,
  explainQuery,
  ferretPushdown,
  LISTED,
  naiveSearch,
  PlanSummary,
} from './queries';
import {
  beforeAfterTable,
  growthTable,
  planTable,
  ratioTable,
  Row,
  RunResult,
  runTable,
  TargetCheck,
  targetChecks,
  targetTable,
} from './report';
import { FloorReads, scenarios } from './scenarios';
import { seedAuditEvents } from './seed-audit';
import { FerretDbPostgresReader } from '../src/database/ferretdb-postgres-reader';
import { CustomerReadsRepository } from '../src/customers/persistence/customer-reads.repository';
import { AuditRepository } from '../src/audit/audit.repository';
import { DEFAULT_SEED, SeedResult, seedCustomers, SeedSample } from './seed';
import { buildApp, PROJECT_ROOT, RunningServer, startServer } from './server';

const ADMIN_USERNAME = 'bench.admin';
const AUDIT_DRAIN_TIMEOUT_MS = 60_000;

interface BenchConfig {
  ns: number[];
  backends: Backend[];
  externalUri?: string;
  load: MeasureSettings;
  only?: string[];
  cpuProfile: boolean;
  skipBuild: boolean;
  logLevel: string;
  seed: number;
  /** Preloaded into the server to measure a change without editing the app (bench/experiments/). */
  experiments: string[];
  /** On the PostgreSQL backend, let the app add its GIN indexes (as it does on the embedded one). */
  pgIndexes: boolean;
  /** First measure the baseline (the app before issue 5's changes) on the same data. */
  baseline: boolean;
  /** BENCH_ACCESS_LOG_AB=1: the baseline is the current app with ACCESS_LOG=off (the access log's cost). */
  accessLogAb: boolean;
}

/**
 * The app as it was before the performance work, by configuration alone: the user read from the
 * database on every request, and no GIN indexes on FerretDB's PostgreSQL tables.
 */
const BASELINE_APP_ENV = { AUTH_USER_CACHE_MS: '0' };
export const BASELINE_LABEL = 'baseline: AUTH_USER_CACHE_MS=0, no GIN indexes';
const ACCESS_LOG_OFF_ENV = { ACCESS_LOG: 'off' };
export const ACCESS_LOG_OFF_LABEL = 'baseline: ACCESS_LOG=off (otherwise the current app)';

function readConfig(env = process.env): BenchConfig {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  const ns = (env.BENCH_N ?? '10000').split(',').map((n) => Number(n.trim()));
  if (ns.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('BENCH_N must be a positive integer or a comma list of them');
  // The app's embedded default where a PostgreSQL answers, as on every machine of this kind.
  const backend = env.BENCH_BACKEND ?? 'postgresql';
  if (!['sqlite', 'postgresql', 'both'].includes(backend))
    throw new Error('BENCH_BACKEND must be sqlite, postgresql or both');
  return {
    ns: ns.sort((a, b) => a - b),
    backends: env.MONGODB_URI
      ? ['external']
      : backend === 'both'
        ? ['sqlite', 'postgresql']
        : [backend as Backend],
    externalUri: env.MONGODB_URI,
    load: {
      concurrency: number('BENCH_CONCURRENCY', 8),
      seconds: number('BENCH_DURATION', 10),
      maxSeconds: number('BENCH_MAX_DURATION', 3 * number('BENCH_DURATION', 10)),
      warmupSeconds: Number(env.BENCH_WARMUP ?? 1),
    },
    only: env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()),
    cpuProfile: env.BENCH_CPU_PROF === '1',
    skipBuild: env.BENCH_SKIP_BUILD === '1',
    logLevel: env.BENCH_LOG_LEVEL ?? 'info',
    seed: number('BENCH_SEED', DEFAULT_SEED),
    experiments: (env.BENCH_EXPERIMENTS ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    pgIndexes: env.BENCH_PG_INDEXES !== '0',
    baseline: env.BENCH_BASELINE === '1' || env.BENCH_ACCESS_LOG_AB === '1',
    accessLogAb: env.BENCH_ACCESS_LOG_AB === '1',
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const config = readConfig();
  for (const name of config.experiments) {
    if (!existsSync(experimentFile(name, 'js')) && !existsSync(experimentFile(name, 'sql')))
      throw new Error(`no experiment bench/experiments/${name}.{js,sql}`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const workDir = mkdtempSync(join(tmpdir(), 'pawnshop-bench-'));
  const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  if (!config.skipBuild) buildApp();

  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const runs: RunResult[] = [];
  const file = join(resultsDir, `${stamp}.json`);
  // Written after every run, so that a long run stopped half-way keeps what it measured.
  const save = (targets: TargetCheck[] = []) => {
    const report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      command: commandLine(config),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        node: process.version,
        loadavgBefore: loadBefore,
        loadavgAfter: loadavg(),
      },
      git: gitDescription(),
      config: { ...config, externalUri: config.externalUri ? '(set)' : undefined },
      runs,
      targets,
      serverLogs: workDir,
    };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  };

  for (const backend of config.backends) {
    const database = await startDatabase(backend, config.externalUri);
    try {
      for (const n of config.ns) {
        log(`\n== ${database.backend} (${database.server}), N=${n} ==`);
        const seeded = await seedCustomers(database.uri, n, config.seed);
        log(
          `seeded in ${seeded.seconds.toFixed(1)} s (${seeded.avgDocumentBytes} B/document, ${seeded.avgSearchKeys} search keys)`,
        );
        if (database.postgresUrl) {
          const perCustomer = Number(
            process.env.BENCH_AUDIT_PER_CUSTOMER ?? (n >= 1_000_000 ? 2 : 10),
          );
          const audit = await seedAuditEvents(database.uri, database.postgresUrl, perCustomer);
          log(`seeded ${audit.count} audit events in ${audit.seconds.toFixed(1)} s (straight SQL)`);
        }
        const measured: RunResult[] = [];
        for (const baseline of config.baseline ? [true, false] : [false]) {
          const run = await benchOne(config, database, n, seeded, baseline, {
            workDir,
            profileDir: join(
              resultsDir,
              'profiles',
              `${stamp}-${backend}-${n}${baseline ? '-baseline' : ''}`,
            ),
          });
          runs.push(run);
          measured.push(run);
          save();
          console.log(`\n${runTable(run)}\n${ratioTable(run)}\n\n${planTable(run)}\n`);
          if (run.profile) console.log(profileText(run));
        }
        if (measured.length === 2)
          console.log(
            `\n#### Before and after, ${backend}, N=${n} (same data, same run)\n\n${beforeAfterTable(measured[0], measured[1])}\n`,
          );
      }
    } finally {
      await database.stop();
    }
  }

  const current = runs.filter((run) => !run.baseline);
  for (const backend of config.backends) {
    const ofBackend = current.filter((run) => run.backend === backend);
    if (ofBackend.length > 1)
      console.log(`\n### p50 growth with N, ${backend}\n\n${growthTable(ofBackend)}\n`);
  }
  const checks = targetChecks(current);
  console.log(`\n### Targets\n\n${targetTable(checks)}\n`);
  save(checks);
  console.log(`results: ${file}\nserver logs: ${workDir}`);
}

async function benchOne(
  config: BenchConfig,
  database: BenchDatabase,
  n: number,
  seeded: SeedResult,
  baseline: boolean,
  dirs: { workDir: string; profileDir: string },
): Promise<RunResult> {
  const baselineLabel = config.accessLogAb ? ACCESS_LOG_OFF_LABEL : BASELINE_LABEL;
  if (baseline) log(`-- ${baselineLabel} --`);
  for (const name of config.experiments.filter((experiment) =>
    existsSync(experimentFile(experiment, 'sql')),
  )) {
    if (!database.applySql) throw new Error(`experiment ${name} needs the postgresql backend`);
    await database.applySql(readFileSync(experimentFile(name, 'sql'), 'utf8'));
  }
  if (config.cpuProfile) mkdirSync(dirs.profileDir, { recursive: true });
  const server = await startServer({
    mongodbUri: database.uri,
    ferretDbPostgresUrl:
      config.pgIndexes && (!baseline || config.accessLogAb) ? database.postgresUrl : undefined,
    appEnv: baseline ? (config.accessLogAb ? ACCESS_LOG_OFF_ENV : BASELINE_APP_ENV) : {},
    logFile: join(
      dirs.workDir,
      `server-${database.backend}-${n}${baseline ? '-baseline' : ''}.log`,
    ),
    cpuProfileDir: config.cpuProfile ? dirs.profileDir : undefined,
    logLevel: config.logLevel,
    experiments: config.experiments.filter((name) => existsSync(experimentFile(name, 'js'))),
  });
  const client = await MongoClient.connect(database.uri, { maxPoolSize: 20 });
  const db = client.db();
  // On the embedded PostgreSQL the floor of the list, stats, history and audit scenarios is the
  // app's own repositories on the read port's PostgreSQL adapter: the same SQL, without the app.
  const floorReader =
    database.postgresUrl && config.pgIndexes && !baseline
      ? FerretDbPostgresReader.connect(database.postgresUrl, db.databaseName, 20)
      : undefined;
  const floorReads: FloorReads | undefined = floorReader && {
    customers: new CustomerReadsRepository(floorReader),
    audit: new AuditRepository(undefined as never, undefined as never, floorReader),
  };
  const rows: Row[] = [];
  const auditDrainSeconds: Record<string, number> = {};
  let stopped: Awaited<ReturnType<RunningServer['stop']>> | undefined;
  try {
    const idle = await measureIdle(server.pid, database, config.load.seconds);
    log(
      `idle for ${config.load.seconds} s: app ${idle.appCpuPercent.toFixed(0)}% CPU, database ${idle.dbCpuPercent.toFixed(0)}% CPU (background work)`,
    );
    const all = scenarios(seeded.sample, ADMIN_USERNAME, floorReads).filter(
      (s) => !config.only || config.only.includes(s.key),
    );
    for (const scenario of [...all.filter((s) => !s.writes), ...all.filter((s) => s.writes)]) {
      rows.push(
        ...(await measureScenario(scenario, server, db, () => database.pids(), config.load)),
      );
      if (scenario.writes) auditDrainSeconds[scenario.title] = await waitForAuditDrain(db);
    }
    const plans = database.isFerretDb ? [] : await explainAll(db, seeded.sample);
    const pushdown = database.isFerretDb ? await pushdownAll(db, seeded.sample) : [];
    stopped = await server.stop();
    const run: RunResult = {
      backend: database.backend,
      experiments: baseline ? [baselineLabel] : config.experiments,
      baseline,
      server: database.server,
      n,
      concurrency: config.load.concurrency,
      seconds: config.load.seconds,
      seeding: {
        seconds: seeded.seconds,
        avgDocumentBytes: seeded.avgDocumentBytes,
        avgSearchKeys: seeded.avgSearchKeys,
      },
      rows,
      serverPeakRssMb: stopped.peakRssMb,
      serverExitCode: stopped.exitCode,
      serverErrorLogLines: stopped.errorLogLines,
      auditDrainSeconds,
      idle,
      plans,
      pushdown,
    };
    if (config.cpuProfile)
      run.profile = profileOf(dirs.profileDir, {
        fromUs: server.readyAtUs,
        toUs: stopped.stoppingAtUs,
      });
    return run;
  } finally {
    if (!stopped) await server.stop();
    await client.close();
    await floorReader?.onModuleDestroy();
  }
}

/** CPU used with no requests at all: the app's own background work (the audit sweep) and its queries. */
async function measureIdle(
  appPid: number,
  database: BenchDatabase,
  seconds: number,
): Promise<RunResult['idle']> {
  const probe = new ResourceProbe(appPid, () => database.pids());
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const usage = probe.stop();
  return {
    seconds,
    appCpuPercent: usage.appCpuMs / (10 * seconds),
    dbCpuPercent: usage.dbCpuMs / (10 * seconds),
  };
}

/** Waits until the audit relay has emptied every outbox the writes filled; returns the seconds it took. */
async function waitForAuditDrain(db: Db): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < AUDIT_DRAIN_TIMEOUT_MS) {
    if ((await db.collection('customers').countDocuments({ audit_pending: true })) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (Date.now() - started) / 1000;
}

const queriesToExplain = (sample: SeedSample) => [
  { name: 'get by phone', filter: byPhone(sample.phones[0]), single: true },
  { name: 'list page 1', filter: LISTED, single: false },
  {
    name: `search "${sample.namePrefixes[0]}"`,
    filter: appSearch(sample.namePrefixes[0]),
    single: false,
  },
  { name: `search "${sample.lastFour[0]}"`, filter: appSearch(sample.lastFour[0]), single: false },
  { name: `search "${sample.twoWords[0]}"`, filter: appSearch(sample.twoWords[0]), single: false },
  {
    name: `naive "${sample.namePrefixes[0]}"`,
    filter: naiveSearch(sample.namePrefixes[0]),
    single: false,
  },
];

async function explainAll(db: Db, sample: SeedSample): Promise<PlanSummary[]> {
  const plans: PlanSummary[] = [];
  for (const query of queriesToExplain(sample))
    plans.push(
      ...(await explainQuery(db.collection('customers'), query.name, query.filter, query.single)),
    );
  return plans;
}

async function pushdownAll(db: Db, sample: SeedSample): Promise<RunResult['pushdown']> {
  const results: RunResult['pushdown'] = [];
  for (const query of queriesToExplain(sample))
    results.push({
      query: query.name,
      ...(await ferretPushdown(db.collection('customers'), query.filter)),
    });
  return results;
}

function profileOf(dir: string, window: ProfileWindow): RunResult['profile'] {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const summary = summarizeProfile(join(dir, file), window);
  return {
    file: join(dir, file),
    cpuMs: summary.totalMs,
    top: summary.top,
    byPackage: summary.byPackage,
  };
}

function profileText(run: RunResult): string {
  const profile = run.profile!;
  const packages = profile.byPackage
    .slice(0, 12)
    .map((p) => `  ${p.percent.toFixed(1).padStart(5)}%  ${p.package}`);
  const top = profile.top
    .slice(0, 20)
    .map((f) => `  ${f.percent.toFixed(1).padStart(5)}%  ${f.function}`);
  return `server CPU profile (${profile.file}), ${profile.cpuMs} ms of CPU sampled during the load\nself time by package:\n${packages.join('\n')}\ntop functions by self time:\n${top.join('\n')}\n`;
}

const experimentFile = (name: string, extension: 'js' | 'sql') =>
  join(__dirname, 'experiments', `${name}.${extension}`);

function commandLine(config: BenchConfig): string {
  const env = [
    `BENCH_N=${config.ns.join(',')}`,
    config.externalUri
      ? 'MONGODB_URI=…'
      : `BENCH_BACKEND=${config.backends.length > 1 ? 'both' : config.backends[0]}`,
    `BENCH_DURATION=${config.load.seconds}`,
    ...['BENCH_MAX_DURATION', 'BENCH_QUERY_TIMEOUT_MS', 'BENCH_PG_INDEXES', 'BENCH_BASELINE', 'BENCH_ACCESS_LOG_AB']
      .filter((name) => process.env[name])
      .map((name) => `${name}=${process.env[name]}`),
    `BENCH_CONCURRENCY=${config.load.concurrency}`,
    ...(config.cpuProfile ? ['BENCH_CPU_PROF=1'] : []),
    ...(config.experiments.length > 0 ? [`BENCH_EXPERIMENTS=${config.experiments.join(',')}`] : []),
    ...(config.only ? [`BENCH_SCENARIOS=${config.only.join(',')}`] : []),
  ];
  return `${env.join(' ')} npm run bench`;
}

function gitDescription(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT })
      .toString()
      .trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', 'src'], { cwd: PROJECT_ROOT })
        .toString()
        .trim() !== '';
    return dirty ? `${commit} + uncommitted changes in src/` : commit;
  } catch {
    return 'unknown';
  }
}

// Ctrl-C: exit through process.on('exit'), which kills the server and FerretDB children.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
