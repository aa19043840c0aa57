/**
 * The app under test: `node dist/main.js` as a child process in production mode, on the bench
 * database, with fresh secrets. Its logs go to a file (pino writes JSON lines to stdout).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { memoryMb } from './proc';

export const PROJECT_ROOT = join(__dirname, '..');
// At start-up the app builds its GIN indexes over the seeded data (100,000 customers: ~1 min).
// At 1,000,000 customers the first start builds the PostgreSQL indexes and summaries: minutes.
const READY_TIMEOUT_MS = 1_200_000;
const STOP_TIMEOUT_MS = 20_000;

export interface ServerOptions {
  mongodbUri: string;
  /** FerretDB's PostgreSQL database: the app adds its GIN indexes there, as on the embedded PostgreSQL. */
  ferretDbPostgresUrl?: string;
  /** More environment for the app (the baseline's settings). */
  appEnv?: Record<string, string>;
  logFile: string;
  /** Writes a .cpuprofile there when the server exits. */
  cpuProfileDir?: string;
  logLevel: string;
  /** Experiments preloaded into the server (bench/experiments/<name>.js); they change no app file. */
  experiments: string[];
}

export interface RunningServer {
  pid: number;
  baseUrl: string;
  token: string;
  /** Monotonic µs when the server was ready and logged in (the start of the load). */
  readyAtUs: number;
  /** SIGTERM, wait for the graceful exit; returns the peak RSS (VmHWM) read just before. */
  stop(): Promise<{
    peakRssMb: number;
    exitCode: number | null;
    errorLogLines: number;
    stoppingAtUs: number;
  }>;
}

export function buildApp(): void {
  process.stderr.write('building the app (npx nest build)...\n');
  try {
    execFileSync('npx', ['nest', 'build'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `nest build failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`,
    );
  }
}

/** One admin for the whole bench: a second server on the same data (the baseline's successor) logs in too. */
const admin = { username: 'bench.admin', password: randomBytes(18).toString('base64url') };

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const log = openSync(options.logFile, 'a');
  const nodeArgs = [
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    ...options.experiments.flatMap((name) => [
      '--require',
      join(__dirname, 'experiments', `${name}.js`),
    ]),
  ];
  const child = spawn(process.execPath, [...nodeArgs, join(PROJECT_ROOT, 'dist', 'main.js')], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      MONGODB_URI: options.mongodbUri,
      ...(options.ferretDbPostgresUrl
        ? { FERRETDB_POSTGRES_URL: options.ferretDbPostgresUrl }
        : {}),
      JWT_SECRET: randomBytes(48).toString('hex'),
      ADMIN_USERNAME: admin.username,
      ADMIN_PASSWORD: admin.password,
      // The bench signs in with a password only.
      MFA_REQUIRED_ROLES: 'none',
      LOG_LEVEL: options.logLevel,
      ...options.appEnv,
    },
  });
  closeSync(log);
  // If the bench is interrupted, the server must not outlive it.
  const killOnExit = () => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const baseUrl = `http://127.0.0.1:${port}`;

  try {
    await waitForReady(baseUrl, child);
    const token = await login(baseUrl, admin);
    return {
      pid: child.pid!,
      baseUrl,
      token,
      readyAtUs: monotonicUs(),
      async stop() {
        const stoppingAtUs = monotonicUs();
        const peakRssMb = memoryMb(child.pid!, 'VmHWM') ?? 0;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        const exitCode = await exited;
        clearTimeout(timer);
        return {
          peakRssMb,
          exitCode,
          errorLogLines: countErrorLines(options.logFile),
          stoppingAtUs,
        };
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(
      `${(error as Error).message}\n--- server log (${options.logFile}) ---\n${tail(options.logFile)}`,
    );
  }
}

async function waitForReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with ${child.exitCode} during start-up`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not ready after ${READY_TIMEOUT_MS} ms`);
}

/** Retried: on a slow database the first requests can queue behind the app's start-up work. */
async function login(
  baseUrl: string,
  admin: { username: string; password: string },
  attempts = 5,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(admin),
      });
      if (res.status === 200) return ((await res.json()) as { access_token: string }).access_token;
      throw new Error(`${res.status} ${await res.text()}`);
    } catch (error) {
      const reason = `${(error as Error).message} after ${Date.now() - started} ms`;
      if (attempt >= attempts) throw new Error(`login failed ${attempts} times, last: ${reason}`);
      process.stderr.write(`login attempt ${attempt} failed (${reason}); retrying\n`);
    }
  }
}

/** The experiments' own settings pass through to the server. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** pino levels: 50 error, 60 fatal. */
function countErrorLines(logFile: string): number {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line)).length;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
